/** App title, the bundled-scene picker and the ways to open your own photos. */
import { useRef } from 'react';
import type { BundledScene } from './bundledScenes.ts';

interface Props {
  scenes: BundledScene[];
  /** Name of the bundled scene shown, or null when the user's own files are shown. */
  selected: string | null;
  droppedLabel: string | null;
  onPickScene: (scene: BundledScene) => void;
  onFiles: (files: FileList) => void;
}

export function Header({ scenes, selected, droppedLabel, onPickScene, onFiles }: Props) {
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
        <span className="brand-tag">3–9 photos → 3D Gaussians, in your browser</span>
      </div>
      <div className="header-actions">
        <label className="field">
          <span>Scene</span>
          <select
            data-testid="scene-picker"
            value={selected ?? ''}
            onChange={(e) => {
              const s = scenes.find((x) => x.name === e.target.value);
              if (s) onPickScene(s);
            }}
          >
            {selected === null && <option value="">{droppedLabel ? `Your files: ${droppedLabel}` : 'No scene'}</option>}
            {scenes.map((s) => (
              <option key={s.name} value={s.name} title={s.description}>
                {s.title}
              </option>
            ))}
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
          accept="image/png,image/jpeg,.png,.jpg,.jpeg,.zip,application/zip,.json"
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
