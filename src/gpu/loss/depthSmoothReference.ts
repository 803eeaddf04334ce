/**
 * Depth smoothness at pseudo views (issue 14, "unseen-view regularisation"), in plain float64
 * TypeScript: the ground truth that finite differences check and that the WGSL kernel
 * (depthSmooth.ts) is checked against.
 *
 * Three views leave the depth of the surfaces between them free: the cloud fits its inputs with
 * a lumpy surface that shows as smeared texture from every other angle. RegNeRF's answer is to
 * render unseen views and keep their depth smooth. First differences (RegNeRF's) also penalise a
 * plane seen at an angle; this term penalises second differences, so planes (DTU's bricks,
 * tables) cost nothing and only bends and lumps do.
 *
 * With D the rendered expected depth (sum_i z_i alpha_i T_i) and A the coverage (1 - T), the
 * surface depth is d = D / A. For each horizontal and vertical run of three pixels a, c, b whose
 * coverages are all >= alphaMin (edges of the object and holes are not surfaces):
 *
 *   r = k (d_a - 2 d_c + d_b),   k = W^2 / scale,
 *   L = weight / (W H) * sum over the valid runs of r^2.
 *
 * W^2 turns the pixel second difference into a curvature per image width (the same surface
 * costs the same at any training size) and `scale` (the pseudo camera's distance to the object)
 * makes it relative, so the weight carries from scene to scene.
 *
 * Gradient: dL/dd_p = weight / (W H) * sum over the runs holding p of 2 r k c_p (c = 1 at the
 * ends, -2 in the middle), then through d = D / A:
 *   dL/dD_p = dL/dd_p / A_p,   dL/dA_p = -dL/dd_p D_p / A_p^2.
 * The rasterizer's depth backward takes both planes (dLdAlpha, dLdDepth).
 *
 * Measured (bench:quality, DTU scan37, 3 views, 1/4 size, 1000 steps, lavapipe), held-out PSNR
 * against the defaults row's 17.85 (19654 splats): weight 1e-4 17.57 (6626 splats), 1e-3 15.97
 * (4528). The optimiser lowers the penalty by thinning the pseudo views' coverage under
 * alphaMin, where nothing counts. Two variants were tried and not kept: the coverage held
 * constant (no dL/dA) let dimmer splats shrink D and with it the penalty (1e-3: 9.26 dB, 1058
 * splats); the positions' gradient alone (the other parameters' dropped) barely moved the
 * curvature (the trainer test's 150 steps: 1374 without, 1331 with). So the term stays off.
 */

export interface DepthSmoothInputs {
  width: number;
  height: number;
  /** width*height rendered expected depth (sum z alpha T). */
  depth: ArrayLike<number>;
  /** width*height coverage 1 - T. */
  alpha: ArrayLike<number>;
}

export interface DepthSmoothSettings {
  /** Weight of the term (the trainer's depthSmoothWeight). */
  weight: number;
  /** Scene units that make depth relative: the pseudo camera's distance to the object (> 0). */
  scale: number;
  /** A run of three pixels counts when each one's coverage is at least this (in (0, 1]). */
  alphaMin: number;
}

export interface DepthSmoothResult {
  loss: number;
  /** Runs of three that counted. */
  runs: number;
  /** width*height. */
  dLdDepth: Float64Array;
  /** width*height. */
  dLdAlpha: Float64Array;
}

export function checkDepthSmoothSettings(width: number, height: number, s: DepthSmoothSettings): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`depth smoothness: bad size ${width}x${height}`);
  if (!(s.weight >= 0 && Number.isFinite(s.weight))) throw new RangeError(`depth smoothness: bad weight ${s.weight}`);
  if (!(s.scale > 0 && Number.isFinite(s.scale))) throw new RangeError(`depth smoothness: bad scale ${s.scale}`);
  if (!(s.alphaMin > 0 && s.alphaMin <= 1)) throw new RangeError(`depth smoothness: alphaMin ${s.alphaMin} is not in (0, 1]`);
}

export function depthSmoothReference(inp: DepthSmoothInputs, s: DepthSmoothSettings): DepthSmoothResult {
  const { width: W, height: H, depth: D, alpha: A } = inp;
  checkDepthSmoothSettings(W, H, s);
  const n = W * H;
  if (D.length !== n || A.length !== n) throw new RangeError(`depth smoothness: ${D.length} depths and ${A.length} alphas for ${W}x${H}`);
  const k = (W * W) / s.scale;
  const norm = s.weight / n;
  const dLdd = new Float64Array(n);
  let loss = 0;
  let runs = 0;
  const run = (a: number, c: number, b: number) => {
    if (!(A[a] >= s.alphaMin && A[c] >= s.alphaMin && A[b] >= s.alphaMin)) return;
    const r = k * (D[a] / A[a] - 2 * (D[c] / A[c]) + D[b] / A[b]);
    loss += norm * r * r;
    runs++;
    const g = 2 * norm * r * k;
    dLdd[a] += g;
    dLdd[c] -= 2 * g;
    dLdd[b] += g;
  };
  for (let y = 0; y < H; y++) for (let x = 1; x + 1 < W; x++) run(y * W + x - 1, y * W + x, y * W + x + 1);
  for (let y = 1; y + 1 < H; y++) for (let x = 0; x < W; x++) run((y - 1) * W + x, y * W + x, (y + 1) * W + x);
  const dLdDepth = new Float64Array(n);
  const dLdAlpha = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    if (dLdd[p] === 0) continue;
    dLdDepth[p] = dLdd[p] / A[p];
    dLdAlpha[p] = (-dLdd[p] * D[p]) / (A[p] * A[p]);
  }
  return { loss, runs, dLdDepth, dLdAlpha };
}
