/**
 * The pseudo-view photo-consistency (src/gpu/loss/photoConsistency*): the float64 reference's
 * gradient in depth and coverage against central finite differences; the properties that make it a
 * geometry loss (zero at the true surface of a textured plane, more off it, a step along its
 * gradient brings a wrong depth back toward the plane); and the WGSL kernel against the reference.
 */
import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, pixelDirection, worldToCamera, type Camera, type Vec3 } from '../../src/core/camera.ts';
import { readBuffer, storageBuffer, writeFloats } from '../../src/gpu/buffers.ts';
import { createPhotoConsistency, quantisedRgb } from '../../src/gpu/loss/photoConsistency.ts';
import { photoConsistency, type ConsistencySource } from '../../src/gpu/loss/photoConsistencyReference.ts';
import { testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

const W = 40, H = 30;
const intr = { fx: 40, fy: 40, cx: W / 2, cy: H / 2, width: W, height: H };
const texture = (x: number, y: number): Vec3 => [0.5 + 0.4 * Math.sin(3 * x) * Math.cos(2 * y), 0.5 + 0.3 * Math.cos(2 * x + y), 0.5 + 0.2 * Math.sin(4 * y)];

/** Camera depth of the plane z = 0 at pixel (px, py), and the texture there. */
function hit(cam: Camera, px: number, py: number): { depth: number; colour: Vec3 } {
  const c = cameraCenter(cam);
  const d = pixelDirection(cam, px + 0.5, py + 0.5);
  const s = -c[2] / d[2];
  const point: Vec3 = [c[0] + s * d[0], c[1] + s * d[1], 0];
  return { depth: worldToCamera(cam, point)[2], colour: texture(point[0], point[1]) };
}

function photo(cam: Camera): ConsistencySource {
  const rgb = new Float64Array(3 * W * H);
  for (let py = 0; py < H; py++) for (let px = 0; px < W; px++) rgb.set(hit(cam, px, py).colour, 3 * (py * W + px));
  return { camera: cam, rgb, mask: null, alpha: null, depth: null };
}

const a = photo(lookAtCamera([-0.5, 0, -3], [0, 0, 0], [0, -1, 0], intr));
const b = photo(lookAtCamera([0.5, 0.1, -3], [0, 0, 0], [0, -1, 0], intr));
const pseudoCam = lookAtCamera([0, 0.05, -3], [0, 0, 0], [0, -1, 0], intr);
/** The pseudo view's render of the plane at `factor` times its depth, coverage `alpha`. */
function render(factor: (p: number) => number, alpha = 0.8) {
  const depth = new Float64Array(W * H), cover = new Float64Array(W * H).fill(alpha);
  for (let py = 0; py < H; py++) for (let px = 0; px < W; px++) depth[py * W + px] = alpha * factor(py * W + px) * hit(pseudoCam, px, py).depth;
  return { camera: pseudoCam, alpha: cover, depth };
}

describe('photoConsistency', () => {
  it('matches central finite differences in depth and coverage', () => {
    // A wavy depth off the plane, so the photos disagree and the gradient is not zero.
    const r = render((p) => 1 + 0.04 * Math.sin(0.7 * p));
    const o = { weight: 2, eps: 0.01 };
    const g = photoConsistency(r, a, b, o);
    expect(g.pixels).toBeGreaterThan(0.5 * W * H);
    expect(g.loss).toBeGreaterThan(0);
    let checked = 0;
    for (let p = 37; p < W * H; p += 53) {
      if (g.dLdDepth[p] === 0) continue;
      for (const [plane, grad] of [[r.depth, g.dLdDepth], [r.alpha, g.dLdAlpha]] as const) {
        const h = 1e-6 * plane[p];
        const x = plane[p];
        plane[p] = x + h;
        const up = photoConsistency(r, a, b, o).loss;
        plane[p] = x - h;
        const down = photoConsistency(r, a, b, o).loss;
        plane[p] = x;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(grad[p] - fd), `pixel ${p}: analytic ${grad[p]}, finite differences ${fd}`).toBeLessThan(1e-4 * Math.abs(fd) + 1e-9);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('is smallest at the true surface, and a step down its gradient brings a wrong depth toward it', () => {
    const at = (f: number) => photoConsistency(render(() => f), a, b, { weight: 1 }).loss;
    expect(at(1)).toBeLessThan(1e-3);
    for (const f of [0.97, 1.03]) expect(at(f)).toBeGreaterThan(10 * at(1));
    // Surface depth s = D / A; dL/ds = dL/dD * A. One small step on s at every pixel.
    const r = render(() => 1.02);
    const g = photoConsistency(r, a, b, { weight: 1 });
    const closer = Array.from(r.depth, (D, p) => D - 0.002 * r.alpha[p] * Math.sign(g.dLdDepth[p]) * (D / r.alpha[p]));
    const moved = photoConsistency({ ...r, depth: Float64Array.from(closer) }, a, b, { weight: 1 });
    expect(moved.loss).toBeLessThan(g.loss);
  });

  it('counts nothing outside a mask or behind an input\'s own surface', () => {
    const r = render((p) => 1 + 0.04 * Math.sin(0.7 * p));
    expect(photoConsistency(r, { ...a, mask: new Uint8Array(W * H) }, b, { weight: 1 }).pixels).toBe(0);
    const nearer = { ...a, alpha: new Float32Array(W * H).fill(1), depth: new Float32Array(W * H).fill(1) };
    expect(photoConsistency(r, nearer, b, { weight: 1 }).pixels).toBe(0);
    const g = photoConsistency(r, nearer, b, { weight: 1 });
    expect(g.loss).toBe(0);
    expect(g.dLdDepth.every((v) => v === 0)).toBe(true);
  });
});

describe('photo-consistency kernel (photoConsistency.wgsl)', () => {
  it('refuses, with what to do, photos over the device\'s storage binding limit', () => {
    const small = { limits: { maxStorageBufferBindingSize: 4 * W * H * 2 } } as unknown as GPUDevice;
    const photo = { rgb: new Float32Array(3 * W * H), mask: null };
    expect(() => createPhotoConsistency(small, { width: W, height: H }, [photo, photo, photo])).toThrow(/over this device's maxStorageBufferBindingSize.*--photo-consistency 0/);
  });

  it('writes the reference loss and gradient, with masks and occlusion', async () => {
    const { device } = await testGpu();
    const r = render((p) => 1 + 0.04 * Math.sin(0.7 * p), 0.8);
    // Coverage under alphaMin at some pixels; input a masked to its left three quarters; input b's
    // own surface in front of the plane over its top rows (those points are hidden from it).
    const alpha = Float32Array.from(r.alpha, (v, p) => (p % 7 === 0 ? 0.3 : v));
    const depth = Float32Array.from(r.depth);
    const maskA = Uint8Array.from({ length: W * H }, (_, p) => (p % W < 0.75 * W ? 1 : 0));
    const surfAlpha = new Float32Array(W * H).fill(1);
    const surfDepth = Float32Array.from({ length: W * H }, (_, p) => (p < 8 * W ? 1.5 : 10));
    // The photos as the kernel reads them (8 bits), so both sides see the same colours.
    const rgbA = quantisedRgb(Float32Array.from(a.rgb)), rgbB = quantisedRgb(Float32Array.from(b.rgb));
    const srcA: ConsistencySource = { ...a, rgb: rgbA, mask: maskA };
    const srcB: ConsistencySource = { ...b, rgb: rgbB, alpha: surfAlpha, depth: surfDepth };
    const o = { weight: 2, eps: 0.01 };
    const ref = photoConsistency({ camera: pseudoCam, alpha, depth }, srcA, srcB, o);
    expect(ref.pixels).toBeGreaterThan(0.3 * W * H);
    expect(ref.pixels).toBeLessThan(0.7 * W * H);
    const gpu = createPhotoConsistency(device, { width: W, height: H }, [{ rgb: rgbB, mask: null }, { rgb: rgbA, mask: maskA }]);
    gpu.setSurfaces([{ alpha: surfAlpha, depth: surfDepth }, { alpha: new Float32Array(W * H), depth: new Float32Array(W * H) }]);
    const depthBuf = storageBuffer(device, 'depth', 4 * W * H), alphaBuf = storageBuffer(device, 'alpha', 4 * W * H);
    writeFloats(device, depthBuf, depth);
    writeFloats(device, alphaBuf, alpha);
    await withGpuErrorScope(device, async () => {
      // Photo 1 is input a, photo 0 input b (the indices are what the kernel reads).
      const out = gpu.run(depthBuf, alphaBuf, pseudoCam, { index: 1, camera: a.camera }, { index: 0, camera: b.camera }, o);
      const loss = new Float32Array(await readBuffer(device, out.lossFromPixel));
      const gd = new Float32Array(await readBuffer(device, out.dLdDepth));
      const ga = new Float32Array(await readBuffer(device, out.dLdAlpha));
      expect(loss.reduce((x, y) => x + y, 0)).toBeCloseTo(ref.loss, 5);
      const big = Math.max(...ref.dLdDepth.map(Math.abs), ...ref.dLdAlpha.map(Math.abs));
      expect(big).toBeGreaterThan(0);
      // float32 may put a point on the other side of an image edge or a mask's pixel than float64
      // does: allow a few such pixels, and hold every other to the reference.
      let off = 0;
      for (let p = 0; p < W * H; p++)
        if (Math.abs(gd[p] - ref.dLdDepth[p]) > 1e-3 * big || Math.abs(ga[p] - ref.dLdAlpha[p]) > 1e-3 * big) off++;
      expect(off).toBeLessThanOrEqual(3);
      let counted = 0;
      for (let p = 0; p < W * H; p++) if (gd[p] !== 0) counted++;
      expect(Math.abs(counted - ref.pixels)).toBeLessThanOrEqual(3);
    });
    depthBuf.destroy();
    alphaBuf.destroy();
    gpu.destroy();
  });
});
