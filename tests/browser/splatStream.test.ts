/**
 * <SplatStream> (the library's r3f component) in a real react-three-fiber Canvas (headless
 * Chromium): it streams a .gsrq through the stream worker, reports growing progress, and ends
 * drawing exactly the cloud the decoder makes of the whole file. (No JSX here: the browser
 * project runs .ts files.)
 */
import { Canvas } from '@react-three/fiber';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { SplatStream } from '../../src/embed/r3f.ts';
import type { StreamLoadResult } from '../../src/embed/streamWorkerClient.ts';
import type { FrameStats } from '../../src/render/splatRenderer.ts';
import { decodeStream, encodeStream } from '../../src/stream/index.ts';
import { PerspectiveCamera } from 'three';
import { goldenCloud } from '../render/goldenScene.ts';
import { browserGpu } from './browserGpu.ts';

describe('<SplatStream> in an r3f scene (Chromium)', () => {
  it('streams a file through the worker and draws the decoded cloud', async () => {
    const { device } = await browserGpu();
    const bytes = encodeStream(goldenCloud(), { firstChunkSplats: 64, stages: 2, codebookEntries: 32, kMeansIterations: 3, minOpacity: 0 });
    const expected = decodeStream(bytes).cloud;
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    const container = document.createElement('div');
    Object.assign(container.style, { width: '160px', height: '120px' });
    document.body.appendChild(container);
    const camera = new PerspectiveCamera(45, 160 / 120, 0.01, 100);
    camera.position.set(2.0, 1.1, 2.4);
    camera.lookAt(0, 0, 0);
    const progress: number[] = [];
    const modes: unknown[] = [];
    const errors: Error[] = [];
    let lastDrawn: { stats: FrameStats; cloud: GaussianCloud | null } | null = null;
    const root = createRoot(container);
    const loaded = new Promise<StreamLoadResult>((onLoad) => {
      root.render(
        createElement(
          Canvas,
          { dpr: 1, camera },
          createElement(SplatStream, {
            src: url,
            device,
            onProgress: (p: { splats: number }) => progress.push(p.splats),
            onLoad,
            onMode: (m: unknown) => modes.push(m),
            onError: (e: Error) => errors.push(e),
            onFrame: (stats: FrameStats, _r: unknown, drawn: { cloud: GaussianCloud | null }) => (lastDrawn = { stats, cloud: drawn.cloud }),
          }),
        ),
      );
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not loaded within 30 s (errors: ${errors.map((e) => e.message).join('; ')})`)), 30_000));
    const result = await Promise.race([loaded, timeout]);
    expect(errors).toEqual([]);
    expect(result).toEqual({ splats: expected.count, warnings: [] });
    expect(progress.at(-1)).toBe(expected.count);
    expect(modes.length).toBe(1);
    expect(modes[0]).toMatchObject({ thread: 'worker' }); // read: 'range' or 'whole', as the blob URL answers
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    // A frame of the whole file: the very cloud the decoder makes of it, arrived through the worker.
    const deadline = performance.now() + 20_000;
    while (!(lastDrawn && (lastDrawn as { cloud: GaussianCloud | null }).cloud?.count === expected.count) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const drawn = lastDrawn as { stats: FrameStats; cloud: GaussianCloud | null } | null;
    expect(drawn?.stats.visibleSplats).toBeGreaterThan(0);
    expect(drawn?.cloud?.means).toEqual(expected.means);
    expect(drawn?.cloud?.sh).toEqual(expected.sh);
    root.unmount();
    container.remove();
    URL.revokeObjectURL(url);
  });
});
