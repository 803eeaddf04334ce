/**
 * Importance of each splat for the order of the stream: opacity x projected footprint. With
 * cameras (the training views), the footprint is the splat's area seen from each camera summed
 * over the cameras (pi s_a s_b fx fy / z^2, s_a and s_b its two largest scales; splats behind a
 * camera count 0 there); without cameras it is the area of its largest cross-section.
 */
import { worldToCamera, type Camera } from '../core/camera.ts';
import { sigmoid, type GaussianCloud } from '../core/gaussianCloud.ts';

export function splatImportance(cloud: GaussianCloud, cameras: readonly Camera[] = []): Float64Array {
  const n = cloud.count;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = [Math.exp(cloud.logScales[3 * i]), Math.exp(cloud.logScales[3 * i + 1]), Math.exp(cloud.logScales[3 * i + 2])].sort((a, b) => b - a);
    const area = Math.PI * s[0] * s[1];
    let view = 1;
    if (cameras.length) {
      view = 0;
      const p = [cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2]];
      for (const cam of cameras) {
        const z = worldToCamera(cam, p)[2];
        if (z > 1e-3) view += (cam.fx * cam.fy) / (z * z);
      }
    }
    const v = sigmoid(cloud.opacityLogits[i]) * area * view;
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

/** Splat indices, most important first (ties keep index order). */
export function importanceOrder(importance: Float64Array): Uint32Array {
  const order = Array.from({ length: importance.length }, (_, i) => i);
  order.sort((a, b) => importance[b] - importance[a] || a - b);
  return Uint32Array.from(order);
}
