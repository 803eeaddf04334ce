/**
 * The pseudo-view photo-consistency (src/recon/train/photoConsistency.ts): its gradient in depth
 * and coverage against central finite differences, and the properties that make it a geometry
 * loss: zero at the true surface of a textured plane, more off it, and a step along its gradient
 * brings a wrong depth back toward the plane.
 */
import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, pixelDirection, worldToCamera, type Camera, type Vec3 } from '../../src/core/camera.ts';
import { photoConsistency, type ConsistencySource } from '../../src/recon/train/photoConsistency.ts';

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
