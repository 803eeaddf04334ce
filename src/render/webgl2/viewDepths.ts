/**
 * What the sort worker knows about a cloud, and the per-camera pass that turns it into depths:
 * camera-space z of each mean, or NaN for a splat that cannot touch the image (frustum culling).
 *
 * The cull must be conservative: it may keep a splat the vertex shader then drops, never drop one
 * the trainer's rasterizer would draw. The vertex shader's quad half-extent along x is
 * r * sqrt(Sigma2D_xx) with r^2 = 2 ln(255 opacity) and Sigma2D_xx = J_x W Sigma W^T J_x^T + lowPass
 * (J_x = (fx/z, 0, -fx rx/z), rx the clamped x/z). Since |J_x W v|^2 <= |J_x|^2 |v|^2 and the
 * largest eigenvalue of Sigma is at most its trace, Sigma2D_xx <= (fx/z)^2 (1 + rx^2) trace + lowPass.
 * Antialiasing only lowers the opacity, so the raw opacity's r bounds it too.
 */
import type { Camera } from '../../core/camera.ts';
import { ALPHA_MIN, clipLimits, LOW_PASS, NEAR_PLANE, sigmoid, type GaussianCloud } from '../../core/gaussianCloud.ts';
import { isDrawableSplat } from './drawableSplat.ts';

export interface SortCloud {
  count: number;
  /** N*3 means. */
  means: Float32Array;
  /** N: trace of Sigma (sum of squared scales), or NaN for a splat that is never drawn. */
  traces: Float32Array;
  /** N: r^2 = 2 ln(opacity / ALPHA_MIN), the Mahalanobis radius of the 1/255 alpha contour, squared. */
  radiiSquared: Float32Array;
}

export function prepareSortCloud(cloud: GaussianCloud): SortCloud {
  const n = cloud.count;
  const traces = new Float32Array(n);
  const radiiSquared = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const opacity = sigmoid(cloud.opacityLogits[i]);
    let trace = 0;
    for (let k = 0; k < 3; k++) trace += Math.exp(2 * cloud.logScales[3 * i + k]);
    // Never drawn: too transparent, or not drawable at all (NaN marks both).
    const drawable = opacity >= ALPHA_MIN && isDrawableSplat(cloud, i) && Number.isFinite(trace);
    traces[i] = drawable ? trace : NaN;
    radiiSquared[i] = drawable ? 2 * Math.log(opacity / ALPHA_MIN) : NaN;
  }
  return { count: n, means: cloud.means.slice(0, 3 * n), traces, radiiSquared };
}

/**
 * Camera-space depth of every splat into `out` (length >= count), NaN where the splat is culled:
 * behind the near plane, never drawn, or whose bounding box misses the image.
 */
export function viewDepths(cloud: SortCloud, cam: Camera, out: Float32Array): Float32Array {
  const { R, t, fx, fy, cx, cy, width, height } = cam;
  // The trainer's clamp of x/z and y/z to the frustum widened by FRUSTUM_MARGIN (projectReference.ts).
  const [limXPos, limXNeg, limYPos, limYNeg] = clipLimits(width, height, fx, fy, cx, cy);
  const m = cloud.means;
  for (let i = 0; i < cloud.count; i++) {
    const x = m[3 * i], y = m[3 * i + 1], zw = m[3 * i + 2];
    const z = R[6] * x + R[7] * y + R[8] * zw + t[2];
    const trace = cloud.traces[i];
    if (!(z >= NEAR_PLANE) || !(trace >= 0)) {
      out[i] = NaN;
      continue;
    }
    const xc = R[0] * x + R[1] * y + R[2] * zw + t[0];
    const yc = R[3] * x + R[4] * y + R[5] * zw + t[1];
    const u = (fx * xc) / z + cx;
    const v = (fy * yc) / z + cy;
    const rx = Math.min(limXPos, Math.max(-limXNeg, xc / z));
    const ry = Math.min(limYPos, Math.max(-limYNeg, yc / z));
    const r2 = cloud.radiiSquared[i];
    // 1.01 and +1 px: generous against float32 rounding in the shader; culling less is always safe.
    const ex = Math.sqrt(r2 * ((fx / z) ** 2 * (1 + rx * rx) * trace + LOW_PASS)) * 1.01 + 1;
    const ey = Math.sqrt(r2 * ((fy / z) ** 2 * (1 + ry * ry) * trace + LOW_PASS)) * 1.01 + 1;
    const inside = u + ex >= 0 && u - ex <= width && v + ey >= 0 && v - ey <= height;
    out[i] = inside ? z : NaN;
  }
  return out;
}
