/**
 * Picks a model file for a stage: the file on disk or its URL, with where the weights come from and
 * their licence (from the model's manifest in models/), since the app bundles no third-party weights.
 */
import { useRef, useState } from 'react';
import type { ModelManifest } from '../../models/modelManifest.ts';
import { HiddenFileInput } from '../HiddenFileInput.tsx';
import type { ModelChoice } from './useModelChoice.ts';

interface Props {
  choice: ModelChoice;
  manifest: ModelManifest;
  disabled: boolean;
  /** data-testid prefix: `${testId}-file`, `${testId}-url`, … */
  testId: string;
}

export function ModelPicker({ choice, manifest, disabled, testId }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');
  const { model, loading, error } = choice;
  const source = manifest.sources[0];
  return (
    <div className="model-picker" data-testid={testId}>
      <p className="train-note" data-testid={`${testId}-state`}>
        {model ? (
          <>
            {manifest.name}: {model.name} ({(model.bytes.byteLength / 2 ** 20).toFixed(1)} MB){' '}
            <button type="button" className="link" onClick={choice.clear} disabled={disabled} data-testid={`${testId}-clear`}>
              remove
            </button>
          </>
        ) : loading ? (
          'Fetching the model…'
        ) : (
          <>
            Needs {manifest.file} ({manifest.licence}): open the file or give its URL.{' '}
            {source && /^https?:/.test(source.url) && (
              <a href={source.url} target="_blank" rel="noreferrer noopener">
                Where to get it
              </a>
            )}
          </>
        )}
      </p>
      {error && (
        <p className="train-note model-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
      <div className="eval-actions">
        <button type="button" className="btn" onClick={() => input.current?.click()} disabled={disabled} data-testid={`${testId}-open`}>
          Model file…
        </button>
        <HiddenFileInput ref={input} accept=".onnx" testId={`${testId}-input`} onFile={(f) => void choice.openFile(f)} />
      </div>
      <form
        className="eval-url"
        onSubmit={(e) => {
          e.preventDefault();
          void choice.openUrl(url);
        }}
      >
        <input type="url" placeholder={`or the ${manifest.file} URL`} value={url} onChange={(e) => setUrl(e.target.value)} disabled={disabled} data-testid={`${testId}-url`} />
        <button type="submit" className="btn" disabled={disabled || loading || !url.trim()} data-testid={`${testId}-url-use`}>
          Use
        </button>
      </form>
    </div>
  );
}
