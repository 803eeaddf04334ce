/**
 * The warp target (src/recon/train/warpTarget.ts) on a textured plane seen by an input camera and
 * a pseudo camera beside it: where the cloud's surface is right, the target is the plane's own
 * texture at each pseudo pixel; hidden points, points outside the mask and uncovered pixels do as
 * the contract says.
 */
import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, pixelDirection, worldToCamera, type Camera, type Vec3 } from '../../src/core/camera.ts';
import type { RGBAImage } from '../../src/core/image.ts';
import { warpTarget, type WarpRender, type WarpSource } from '../../src/recon/train/warpTarget.ts';

const W = 40, H = 30;
const intr = { fx: 40, fy: 40, cx: W / 2, cy: H / 2, width: W, height: H };
/** The plane z = 0 faces the cameras at z = -3. */
const texture = (x: number, y: number): Vec3 => [0.5 + 0.4 * Math.sin(2 * x) * Math.cos(1.5 * y), 0.5 + 0.3 * Math.cos(x + y), 0.5 + 0.2 * Math.sin(3 * y)];

/** Where pixel (px, py)'s ray meets the plane, and its camera depth. */
function hit(cam: Camera, px: number, py: number): { point: Vec3; depth: number } {
  const c = cameraCenter(cam);
  const d = pixelDirection(cam, px + 0.5, py + 0.5);
  const s = -c[2] / d[2];
  const point: Vec3 = [c[0] + s * d[0], c[1] + s * d[1], 0];
  return { point, depth: worldToCamera(cam, point)[2] };
}

/** The plane as a camera renders it: texture, full coverage, depth (rgb grey when `grey`). */
function renderPlane(cam: Camera, grey = false): WarpRender & { photo: RGBAImage } {
  const rgb = new Float32Array(3 * W * H), alpha = new Float32Array(W * H).fill(1), depth = new Float32Array(W * H);
  const data = new Uint8ClampedArray(4 * W * H);
  for (let py = 0; py < H; py++)
    for (let px = 0; px < W; px++) {
      const p = py * W + px;
      const h = hit(cam, px, py);
      depth[p] = h.depth;
      const t = texture(h.point[0], h.point[1]);
      for (let c = 0; c < 3; c++) {
        rgb[3 * p + c] = grey ? 0.5 : t[c];
        data[4 * p + c] = Math.round(t[c] * 255);
      }
      data[4 * p + 3] = 255;
    }
  return { camera: cam, rgb, alpha, depth, photo: { width: W, height: H, data } };
}

const inputCam = lookAtCamera([0, 0, -3], [0, 0, 0], [0, -1, 0], intr);
const pseudoCam = lookAtCamera([0.6, 0.2, -3], [0, 0, 0], [0, -1, 0], intr);
const input = renderPlane(inputCam);
const source = (o: Partial<WarpSource> = {}): WarpSource => ({ camera: inputCam, photo: input.photo, mask: null, alpha: input.alpha, depth: input.depth, ...o });
const background: Vec3 = [0, 0, 1];

describe('warpTarget', () => {
  it('carries the input photo to the pseudo view along the rendered surface: the plane\'s own texture there', () => {
    const pseudo = renderPlane(pseudoCam, true);
    const t = warpTarget(pseudo, [source()], { background });
    expect(t.warped).toBeGreaterThan(0.8 * W * H);
    expect(t.outside).toBe(0);
    let err = 0, count = 0, grey = 0;
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        const p = py * W + px;
        const want = texture(...(hit(pseudoCam, px, py).point.slice(0, 2) as [number, number]));
        const isGrey = [0, 1, 2].every((c) => t.rgba[4 * p + c] === 128);
        if (isGrey) grey++;
        else for (let c = 0; c < 3; c++) (err += Math.abs(t.rgba[4 * p + c] / 255 - want[c])), count++;
        expect(t.rgba[4 * p + 3]).toBe(255);
      }
    // Bilinear sampling of a smooth texture: a few levels of error at most, on average.
    expect(err / count).toBeLessThan(0.01);
    // The pixels that kept the render's grey are those whose point the input does not see.
    expect(grey).toBe(W * H - t.warped);
  });

  it('keeps the render where the input sees a surface in front of the point (hidden), and takes the next input that sees it', () => {
    const pseudo = renderPlane(pseudoCam, true);
    const nearer = source({ depth: input.depth.map((d) => 0.5 * d) });
    const hidden = warpTarget(pseudo, [nearer], { background });
    expect(hidden.warped).toBe(0);
    expect([...hidden.rgba].filter((_, i) => i % 4 !== 3).every((v) => v === 128)).toBe(true);
    const next = warpTarget(pseudo, [nearer, source()], { background });
    expect(next.warped).toBe(warpTarget(pseudo, [source()], { background }).warped);
  });

  it('sets the background where the point falls outside the input\'s mask', () => {
    const pseudo = renderPlane(pseudoCam, true);
    const t = warpTarget(pseudo, [source({ mask: new Uint8Array(W * H) })], { background });
    expect(t.warped).toBe(0);
    expect(t.outside).toBeGreaterThan(0.8 * W * H);
    let blue = 0;
    for (let p = 0; p < W * H; p++) if (t.rgba[4 * p] === 0 && t.rgba[4 * p + 1] === 0 && t.rgba[4 * p + 2] === 255) blue++;
    expect(blue).toBe(t.outside);
  });

  it('leaves pixels the cloud barely covers as rendered', () => {
    const pseudo = renderPlane(pseudoCam, true);
    const faint = { ...pseudo, alpha: new Float32Array(W * H).fill(0.2), depth: pseudo.depth.map((d) => 0.2 * d) };
    expect(warpTarget(faint, [source()], { background }).warped).toBe(0);
    // The same coverage counts once the threshold is under it (depth / alpha is the surface depth).
    expect(warpTarget(faint, [source()], { background, alphaMin: 0.1 }).warped).toBeGreaterThan(0.8 * W * H);
  });

  it('rejects a render whose planes do not match its camera', () => {
    const pseudo = renderPlane(pseudoCam, true);
    expect(() => warpTarget({ ...pseudo, depth: new Float32Array(5) }, [source()], { background })).toThrow(RangeError);
  });
});
