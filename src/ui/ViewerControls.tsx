/**
 * The 3D view's own controls, bottom right: which renderer draws the splats (and, when WebGPU
 * was not used, why), and what is shown: the splats, the cameras and helpers (frustums, bounds,
 * grid), or both.
 */
import { forwardRef } from 'react';
import type { SplatBackendInfo } from './Splats.tsx';
import type { RendererChoice } from './rendererChoice.ts';

export type BackendState = { state: 'starting' } | { state: 'failed'; message: string } | ({ state: 'ready' } & SplatBackendInfo);

interface Props {
  /** Null while no cloud is shown (no renderer either). */
  backend: BackendState | null;
  asked: RendererChoice;
  showSplats: boolean;
  showHelpers: boolean;
  onShowSplats: (v: boolean) => void;
  onShowHelpers: (v: boolean) => void;
}

const NAMES = { webgpu: 'WebGPU', webgl2: 'WebGL2' } as const;
const HOW = { webgpu: 'sorted on the GPU every frame', webgl2: 'sorted in a worker every frame' } as const;

/** The badge element carries per-frame data attributes set by the Viewport (frames, camera). */
export const ViewerControls = forwardRef<HTMLSpanElement, Props>(function ViewerControls({ backend, asked, showSplats, showHelpers, onShowSplats, onShowHelpers }, badgeRef) {
  const why = backend?.state === 'ready' ? backend.fallbackReason : backend?.state === 'failed' ? backend.message : null;
  return (
    <div className="viewer-controls" data-testid="viewer-controls">
      {backend && (
        <span className="splat-renderer">
          <span
            ref={badgeRef}
            className={`splat-badge splat-${backend.state === 'ready' ? backend.backend : backend.state}`}
            data-testid="splat-backend"
            data-backend={backend.state === 'ready' ? backend.backend : backend.state === 'failed' ? 'none' : ''}
            data-fallback={backend.state === 'ready' && backend.fallbackReason ? 'true' : 'false'}
            title={backend.state === 'ready' ? `Splats drawn with ${NAMES[backend.backend]}, ${HOW[backend.backend]}${why ? `. ${why}` : ''}` : (why ?? 'Starting the splat renderer')}
          >
            {backend.state === 'ready'
              ? `${NAMES[backend.backend]}${asked !== 'auto' ? ` (?renderer=${asked})` : backend.fallbackReason ? ' (fallback)' : ''}`
              : backend.state === 'starting'
                ? 'starting…'
                : 'no splat renderer'}
          </span>
          {why && (
            <span className="splat-why" data-testid="splat-fallback-reason" title={why}>
              {why}
            </span>
          )}
        </span>
      )}
      {backend && (
        <label className="viewer-toggle">
          <input type="checkbox" checked={showSplats} onChange={(e) => onShowSplats(e.target.checked)} data-testid="show-splats" />
          Splats
        </label>
      )}
      <label className="viewer-toggle">
        <input type="checkbox" checked={showHelpers} onChange={(e) => onShowHelpers(e.target.checked)} data-testid="show-helpers" />
        Cameras &amp; grid
      </label>
    </div>
  );
});
