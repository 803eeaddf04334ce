/**
 * The Compress stage: packs the cloud on view into a progressive stream (src/stream) in the file
 * worker, saves it, and shows its size against the PLY and the HTML that embeds it in any page
 * with <splat-viewer> (npm run build:lib makes splat-viewer.js).
 */
import type { SavedStream } from './useShownCloud.ts';

interface Props {
  hasCloud: boolean;
  busy: boolean;
  compressing: { done: number; total: number } | null;
  stream: SavedStream | null;
  onCompress: () => void;
}

const kb = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MB` : `${(n / 1024).toFixed(0)} KB`);

export function embedSnippet(name: string): string {
  return `<script type="module" src="splat-viewer.js"></script>\n<splat-viewer src="${name}" auto-rotate="15" style="width: 100%; height: 420px"></splat-viewer>`;
}

export function CompressPanel({ hasCloud, busy, compressing, stream, onCompress }: Props) {
  return (
    <div className="compress-panel" data-testid="compress-panel">
      <div className="train-actions">
        <button type="button" className="btn" disabled={!hasCloud || busy} onClick={onCompress} data-testid="compress-run" title="Encode the cloud on view as a progressive stream (.gsrq) and save it">
          {compressing ? `Compressing… ${compressing.done}%` : 'Compress and save stream'}
        </button>
      </div>
      {stream && (
        <>
          <p data-testid="compress-result">
            {`${stream.name}: ${kb(stream.bytes)}, ${(stream.bytes / Math.max(1, stream.splats)).toFixed(1)} bytes a splat, ${(stream.plyBytes / stream.bytes).toFixed(1)}x smaller than its PLY; encoded in ${stream.seconds.toFixed(1)} s.`}
          </p>
          <label>
            Embed it in a page:
            <textarea readOnly rows={3} value={embedSnippet(stream.name)} data-testid="compress-embed" onFocus={(e) => e.currentTarget.select()} />
          </label>
        </>
      )}
    </div>
  );
}
