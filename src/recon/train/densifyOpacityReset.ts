/**
 * 3DGS's opacity reset: every opacity is capped at `maxOpacity` (0.01) and the opacity moments
 * are zeroed, so splats that matter climb back and the rest fall under the pruning threshold.
 * It is what removes the floaters that hide near the cameras.
 */
import { logit, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { AdamMoments } from '../../gpu/optim/adamCore.ts';

/** New opacity logits and zeroed opacity moments; every other array is shared with the input. */
export function resetOpacity(
  cloud: GaussianCloud,
  moments: AdamMoments,
  maxOpacity = 0.01,
): { cloud: GaussianCloud; moments: AdamMoments } {
  const cap = Math.fround(logit(maxOpacity));
  const opacityLogits = cloud.opacityLogits.map((x) => Math.min(x, cap));
  const zero = () => new Float32Array(cloud.count);
  return {
    cloud: { ...cloud, opacityLogits },
    moments: { m: { ...moments.m, opacityLogits: zero() }, v: { ...moments.v, opacityLogits: zero() } },
  };
}
