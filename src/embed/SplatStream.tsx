/**
 * <SplatStream src="scene.gsrq" />: a splat stream inside someone's @react-three/fiber scene. It
 * streams the file in a web worker (streamWorkerClient.ts: HTTP Range when the server allows,
 * else one GET) and draws each newer scene as it arrives with the project's <Splats>
 * (src/ui/Splats.tsx: WebGPU, else WebGL2, composed under r3f's canvas, in the r3f camera), so it
 * sits in the scene like any other object and moves with the group it is in.
 *
 *   <Canvas camera={{ position: [0, 0, -3], up: [0, -1, 0] }}>
 *     <SplatStream src="/scene.gsrq" onProgress={(p) => setLoaded(p.bytesLoaded / p.bytesTotal)} />
 *     <OrbitControls />
 *   </Canvas>
 */
import { useEffect, useRef, useState } from 'react';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { Splats, type SplatsProps } from '../ui/Splats.tsx';
import type { StreamProgress } from './streamLoader.ts';
import { loadStreamInWorker, type StreamLoadHandlers, type StreamLoadResult } from './streamWorkerClient.ts';

export interface SplatStreamProps extends Omit<SplatsProps, 'cloud' | 'onError'> {
  /** The stream's URL (relative to the page). */
  src: string;
  /** After each newer scene arrived: bytes and chunks so far, and its splats. */
  onProgress?: (progress: StreamProgress & { splats: number }) => void;
  /** Once the whole file is in: splats, and the warnings of chunks that were skipped. */
  onLoad?: (result: StreamLoadResult) => void;
  /** A file that could not be read, or a renderer that could not draw. */
  onError?: (error: Error) => void;
  /** Where the file is decoded (a worker, else the main thread) and how it is read (HTTP Range, else one GET). */
  onMode?: StreamLoadHandlers['onMode'];
}

export function SplatStream({ src, onProgress, onLoad, onError, onMode, ...splats }: SplatStreamProps) {
  const [cloud, setCloud] = useState<GaussianCloud | null>(null);
  // The callbacks are read when they fire (the latest ones); only a new src starts a new download.
  const callbacks = useRef({ onProgress, onLoad, onError, onMode });
  callbacks.current = { onProgress, onLoad, onError, onMode };
  useEffect(() => {
    const abort = new AbortController();
    setCloud(null);
    loadStreamInWorker(new URL(src, document.baseURI).href, {
      signal: abort.signal,
      onMode: (m) => callbacks.current.onMode?.(m),
      onCloud: (c, p) => {
        setCloud(c);
        callbacks.current.onProgress?.({ ...p, splats: c.count });
      },
    }).then(
      (result) => !abort.signal.aborted && callbacks.current.onLoad?.(result),
      (e: unknown) => !abort.signal.aborted && callbacks.current.onError?.(e instanceof Error ? e : new Error(String(e))),
    );
    return () => abort.abort();
  }, [src]);
  return <Splats cloud={cloud} onError={onError} {...splats} />;
}
