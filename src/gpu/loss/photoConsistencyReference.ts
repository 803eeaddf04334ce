/**
 * Photo-consistency of a pseudo view's surface (issue 14, item 4: unseen views "consistent in
 * colour with the nearest input (warped)"), the loss and its gradient in the render's depth and
 * coverage: the float64 reference the kernel (photoConsistency.wgsl) is held to.
 *
 * For each pseudo pixel p the cloud covers (A >= alphaMin), the surface point is the pixel's ray
 * at s = D / A (the expected depth over the coverage). The two input photos `a` and `b` (the
 * pseudo view's two nearest inputs) should show the same colour there:
 *
 *   L = weight / N * sum_p sum_c rho(I_a,c(pi_a(X_p)) - I_b,c(pi_b(X_p))),   rho(r) = sqrt(r^2 + eps^2) - eps
 *
 * over the N pixels of the render; pixels whose point falls outside either image, behind either
 * camera, outside either mask or hidden behind either input's own rendered surface (by more than
 * `occlusion`, relative) count nothing. The photos are sampled bilinearly (their gradients are the
 * bilinear ones); a blurred photo widens the depths from which the gradient points the right way.
 *
 * Unlike a colour target, this moves geometry: dL/ds is the photos' gradient along the epipolar
 * lines times the speed of each projection along the ray, and dL/dD = dL/ds / A,
 * dL/dA = -dL/ds * D / A^2. It is MVS's photo-consistency, asked of views no photo was taken from.
 */
import { cameraCenter, mat3MulVec, pixelDirection, type Camera } from '../../core/camera.ts';

/** An input photo as float planes (RGB interleaved, 0..1, possibly blurred), with what the trainer knows of it. */
export interface ConsistencySource {
  camera: Camera;
  /** width*height*3. */
  rgb: Float32Array | Float64Array;
  /** width*height, nonzero = object; null: no mask. */
  mask: Uint8Array | null;
  /** The cloud's coverage and expected depth from this camera (for occlusion); null: no occlusion test. */
  alpha: Float32Array | null;
  depth: Float32Array | null;
}

export interface ConsistencyRender {
  camera: Camera;
  alpha: ArrayLike<number>;
  depth: ArrayLike<number>;
}

export interface ConsistencyOptions {
  weight: number;
  /** Coverage under which a pixel is not surface (default 0.5). */
  alphaMin?: number;
  /** Relative depth beyond an input's own surface at which a point is hidden from it (default 0.05). */
  occlusion?: number;
  /** Charbonnier epsilon of rho (default 0.01). */
  eps?: number;
}

export interface ConsistencyResult {
  loss: number;
  /** Pixels that counted. */
  pixels: number;
  dLdDepth: Float64Array;
  dLdAlpha: Float64Array;
}

interface Projection {
  u: number;
  v: number;
  z: number;
  /** d(u, v)/ds along the ray. */
  du: number;
  dv: number;
}

/** Projection of C + s d into `cam` and its speed along the ray. */
function project(cam: Camera, x: readonly number[], e: readonly number[]): Projection {
  // x: the point in the camera's frame; e: the ray's direction in it (d(x)/ds).
  const z = x[2];
  return {
    u: (cam.fx * x[0]) / z + cam.cx,
    v: (cam.fy * x[1]) / z + cam.cy,
    z,
    du: (cam.fx * (e[0] * z - x[0] * e[2])) / (z * z),
    dv: (cam.fy * (e[1] * z - x[1] * e[2])) / (z * z),
  };
}

/** Bilinear colour at (u, v) (pixel centres at i + 0.5) and its derivatives in u and v; false outside the centres' hull. */
function sample(src: ConsistencySource, u: number, v: number, c: number[], cu: number[], cv: number[]): boolean {
  const { width: w, height: h } = src.camera;
  const x = u - 0.5, y = v - 0.5;
  if (!(x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1)) return false;
  const x0 = Math.min(w - 2, Math.floor(x)), y0 = Math.min(h - 2, Math.floor(y));
  const fx = x - x0, fy = y - y0;
  const i00 = 3 * (y0 * w + x0), i10 = i00 + 3, i01 = i00 + 3 * w, i11 = i01 + 3;
  const I = src.rgb;
  for (let k = 0; k < 3; k++) {
    const a = I[i00 + k], b = I[i10 + k], cc = I[i01 + k], d = I[i11 + k];
    c[k] = (a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy;
    cu[k] = (b - a) * (1 - fy) + (d - cc) * fy;
    cv[k] = (cc - a) * (1 - fx) + (d - b) * fx;
  }
  return true;
}

/** Whether the point projected at `p` is seen by `src`: inside its mask, not behind its surface. */
function seen(src: ConsistencySource, p: Projection, alphaMin: number, occlusion: number): boolean {
  const { width: w } = src.camera;
  const q = Math.floor(p.v) * w + Math.floor(p.u);
  if (src.mask && src.mask[q] === 0) return false;
  if (src.alpha && src.depth && src.alpha[q] >= alphaMin && p.z > (src.depth[q] / src.alpha[q]) * (1 + occlusion)) return false;
  return true;
}

export function photoConsistency(render: ConsistencyRender, a: ConsistencySource, b: ConsistencySource, o: ConsistencyOptions): ConsistencyResult {
  const cam = render.camera;
  const n = cam.width * cam.height;
  if (render.alpha.length !== n || render.depth.length !== n) throw new RangeError(`photoConsistency: the render's planes do not match its ${cam.width}x${cam.height} camera`);
  for (const s of [a, b])
    if (s.rgb.length !== 3 * s.camera.width * s.camera.height) throw new RangeError('photoConsistency: a photo does not match its camera');
  const alphaMin = o.alphaMin ?? 0.5, occlusion = o.occlusion ?? 0.05, eps = o.eps ?? 0.01;
  const dLdDepth = new Float64Array(n), dLdAlpha = new Float64Array(n);
  const C = cameraCenter(cam);
  // Camera centre and ray direction in each input's frame: x(s) = R (C + s d) + t.
  const frames = [a, b].map((s) => ({ s, c: mat3MulVec(s.camera.R, C).map((v, k) => v + s.camera.t[k]) }));
  const d: number[] = [0, 0, 0];
  const ca = [0, 0, 0], cau = [0, 0, 0], cav = [0, 0, 0], cb = [0, 0, 0], cbu = [0, 0, 0], cbv = [0, 0, 0];
  let loss = 0, pixels = 0;
  const k = o.weight / n;
  for (let py = 0; py < cam.height; py++) {
    for (let px = 0; px < cam.width; px++) {
      const p = py * cam.width + px;
      const A = render.alpha[p];
      if (!(A >= alphaMin)) continue;
      const D = render.depth[p];
      const s = D / A;
      pixelDirection(cam, px + 0.5, py + 0.5, d);
      const proj = frames.map(({ s: src, c }) => {
        const e = mat3MulVec(src.camera.R, d);
        return project(src.camera, [c[0] + s * e[0], c[1] + s * e[1], c[2] + s * e[2]], e);
      });
      const [pa, pb] = proj;
      if (!(pa.z > 0 && pb.z > 0)) continue;
      if (!sample(a, pa.u, pa.v, ca, cau, cav) || !sample(b, pb.u, pb.v, cb, cbu, cbv)) continue;
      if (!seen(a, pa, alphaMin, occlusion) || !seen(b, pb, alphaMin, occlusion)) continue;
      pixels++;
      let dLds = 0;
      for (let ch = 0; ch < 3; ch++) {
        const r = ca[ch] - cb[ch];
        const root = Math.sqrt(r * r + eps * eps);
        loss += k * (root - eps);
        const drds = cau[ch] * pa.du + cav[ch] * pa.dv - (cbu[ch] * pb.du + cbv[ch] * pb.dv);
        dLds += k * (r / root) * drds;
      }
      dLdDepth[p] = dLds / A;
      dLdAlpha[p] = (-dLds * D) / (A * A);
    }
  }
  return { loss, pixels, dLdDepth, dLdAlpha };
}
