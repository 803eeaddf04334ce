/** App title, the bundled-scene picker and the ways to open your own photos. */
import { useRef } from 'react';
import type { BundledScene } from './bundledScenes.ts';

interface Props {
  scenes: BundledScene[];
  /** Name of the bundled scene shown, or null when the user's own files are shown. */
  selected: string | null;
  droppedLabel: string | null;
  /** A bundled scene, or null for none (a cloud alone). */
  onPickScene: (scene: BundledScene | null) => void;
  onFiles: (files: FileList) => void;
  /** The guided first run's line (in place of the tagline), or null when it is done. */
  guide?: { step: number; of: number; text: string; onClose: () => void } | null;
}

/** The picker's values for "no scene" and "your files" (no bundled scene is named so). */
const NONE = '\u0000none';
const DROPPED = '\u0000dropped';

export function Header({ scenes, selected, droppedLabel, onPickScene, onFiles, guide = null }: Props) {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const take = (input: HTMLInputElement) => {
    if (input.files && input.files.length > 0) onFiles(input.files);
    input.value = ''; // so picking the same files again still fires change
  };
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden>
          ◆
        </span>
        <span className="brand-name">Sparse Splat</span>
        {guide ? (
          <span className="guide" data-testid="guide" data-step={guide.step} role="status">
            <span className="guide-step">
              {guide.step}/{guide.of}
            </span>
            <span className="guide-text" data-testid="guide-text" title={guide.text}>
              {guide.text}
            </span>
            <button type="button" className="guide-close" aria-label="Close the guide" title="Close the guide (it will not come back)" onClick={guide.onClose} data-testid="guide-close">
              ×
            </button>
          </span>
        ) : (
          <span className="brand-tag">3–9 photos → 3D Gaussians, in your browser</span>
        )}
      </div>
      <div className="header-actions">
        <label className="field">
          <span>Scene</span>
          <select
            data-testid="scene-picker"
            value={selected ?? (droppedLabel ? DROPPED : NONE)}
            onChange={(e) => {
              if (e.target.value === NONE) return onPickScene(null);
              const s = scenes.find((x) => x.name === e.target.value);
              if (s) onPickScene(s);
            }}
          >
            {selected === null && droppedLabel && <option value={DROPPED}>{`Your files: ${droppedLabel}`}</option>}
            {scenes.map((s) => (
              <option key={s.name} value={s.name} title={s.description}>
                {s.title}
              </option>
            ))}
            <option value={NONE} title="No photos or cameras: look at a cloud file on its own">
              No scene (cloud only)
            </option>
          </select>
        </label>
        <button type="button" className="btn primary" onClick={() => filesRef.current?.click()}>
          Open photos…
        </button>
        <button type="button" className="btn" onClick={() => folderRef.current?.click()}>
          Open folder…
        </button>
        <input
          ref={filesRef}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          accept="image/png,image/jpeg,.png,.jpg,.jpeg,.zip,application/zip,.json,.ply,.spz,.splat"
          onChange={(e) => take(e.currentTarget)}
        />
        <input
          ref={folderRef}
          type="file"
          hidden
          data-testid="folder-input"
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => take(e.currentTarget)}
        />
      </div>
    </header>
  );
}
