/**
 * createSplatRenderer in headless Chromium, which has both backends (WebGPU and WebGL2 on
 * SwiftShader): 'auto' takes WebGPU; without navigator.gpu it falls back to WebGL2 and says why;
 * a named backend is used or fails with its reason; a canvas neither backend can use fails with
 * the "neither WebGPU nor WebGL2" message naming both reasons.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createSplatRenderer } from '../../src/render/createSplatRenderer.ts';

const camera = lookAtCamera([0, -3, 0.5], [0, 0, 0], [0, 0, 1], { fx: 40, fy: 40, cx: 16, cy: 16, width: 32, height: 32 });

/** Hides navigator.gpu (an accessor on Navigator.prototype) behind an own property. */
function hideWebGpu(): void {
  Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
}

describe('createSplatRenderer', () => {
  afterEach(() => {
    delete (navigator as { gpu?: unknown }).gpu; // back to the prototype's accessor
  });

  it("'auto' takes WebGPU when the browser has an adapter", async () => {
    const r = await createSplatRenderer(document.createElement('canvas'));
    try {
      expect(r.backend).toBe('webgpu');
    } finally {
      r.destroy();
    }
  });

  it("'auto' without navigator.gpu falls back to WebGL2, reports why, and draws", async () => {
    hideWebGpu();
    const reasons: string[] = [];
    const r = await createSplatRenderer(document.createElement('canvas'), { onFallback: (why) => reasons.push(why) });
    try {
      expect(r.backend).toBe('webgl2');
      expect(reasons).toEqual(['WebGPU renderer unavailable: navigator.gpu is missing (no WebGPU in this browser)']);
      await r.render(camera, [1, 0, 0]);
      expect(Array.from((await r.readPixels()).subarray(0, 4))).toEqual([255, 0, 0, 255]);
    } finally {
      r.destroy();
    }
  });

  it('a named backend is used, or fails with its reason', async () => {
    const r = await createSplatRenderer(document.createElement('canvas'), { backend: 'webgl2' });
    expect(r.backend).toBe('webgl2');
    r.destroy();
    hideWebGpu();
    await expect(createSplatRenderer(document.createElement('canvas'), { backend: 'webgpu' })).rejects.toThrow(/^WebGPU renderer unavailable: navigator.gpu is missing/);
  });

  it('a canvas neither backend can use: "neither WebGPU nor WebGL2" with both reasons', async () => {
    const canvas = document.createElement('canvas');
    canvas.getContext('2d'); // a canvas keeps its first kind of context
    const error = await createSplatRenderer(canvas).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^This browser has neither WebGPU nor WebGL2: WebGPU: WebGPU renderer unavailable: .*canvas.*; WebGL2: WebGL2 is not available: canvas\.getContext\("webgl2"\) returned null/);
  });
});
