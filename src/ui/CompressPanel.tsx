/**
 * The Compress stage: packs the cloud on view into a progressive stream (src/stream) in the file
 * worker, saves it, and shows its size against the PLY, what it costs in test-view PSNR (the
 * stream decoded and both clouds scored on the split's held-out views: useStreamCheck.ts), a
 * toggle that shows the decoded stream in the 3D view instead of the cloud, and the HTML that
 * embeds it in any page with <splat-viewer> (npm run build:lib makes splat-viewer.js).
 */
import type { StreamCheck } from './useStreamCheck.ts';
import type { SavedStream } from './useShownCloud.ts';

interface Props {
  hasCloud: boolean;
  busy: boolean;
  compressing: { done: number; total: number } | null;
  stream: SavedStream | null;
  check?: StreamCheck | null;
  preview?: boolean;
  onPreview?: (on: boolean) => void;
  onCompress: () => void;
}

const kb = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MB` : `${(n / 1024).toFixed(0)} KB`);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

export function embedSnippet(name: string): string {
  return `<script type="module" src="splat-viewer.js"></script>\n<splat-viewer src="${name}" auto-rotate="15" style="width: 100%; height: 420px"></splat-viewer>`;
}

/** The check's line: its progress, its PSNR change, or why there is none. */
export function checkText(check: StreamCheck): string {
  const pct = (p: { done: number; total: number }) => `${Math.round((100 * p.done) / Math.max(1, p.total))}%`;
  if (check.status === 'decoding') return `Decoding the stream to check it… ${pct(check.progress)}`;
  if (check.status === 'scoring') return `Scoring the uncompressed and the decoded cloud on the test views… ${check.progress.done} of ${check.progress.total}`;
  if (check.psnr) {
    const { before, after, views, split, size } = check.psnr;
    return `Test-view PSNR (${views} views of split ${split} at ${size.width}×${size.height}): ${before.toFixed(2)} dB uncompressed, ${after.toFixed(2)} dB decoded (${signed(after - before)} dB).`;
  }
  return check.message ?? '';
}

export function CompressPanel({ hasCloud, busy, compressing, stream, check = null, preview = false, onPreview, onCompress }: Props) {
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
          {check && (
            <p data-testid="compress-check" data-status={check.status}>
              {checkText(check)}
            </p>
          )}
          {check?.decoded && (
            <label title="Show the stream as a viewer decodes it in the 3D view, in place of the uncompressed cloud">
              <input type="checkbox" checked={preview} onChange={(e) => onPreview?.(e.currentTarget.checked)} data-testid="compress-preview" /> Preview the decoded stream in the 3D view
            </label>
          )}
          <label>
            Embed it in a page:
            <textarea readOnly rows={3} value={embedSnippet(stream.name)} data-testid="compress-embed" onFocus={(e) => e.currentTarget.select()} />
          </label>
        </>
      )}
    </div>
  );
}
