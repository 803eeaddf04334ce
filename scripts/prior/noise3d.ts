/**
 * GaussianObject's "3D noise": a good cloud with its splats' positions, sizes, opacities and
 * colours perturbed, so its renders show the artefacts of a poor reconstruction (blur, holes,
 * floaters, colour shifts) while the clean target is known. One `level` in [0, 1] scales all of it.
 */
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import type { Rng } from '../../src/core/random.ts';

export function perturbCloud(cloud: GaussianCloud, rng: Rng, level: number, objectRadius: number): GaussianCloud {
  const K = (cloud.shDegree + 1) ** 2;
  const out: GaussianCloud = {
    ...cloud,
    means: cloud.means.slice(), logScales: cloud.logScales.slice(), quats: cloud.quats.slice(),
    opacityLogits: cloud.opacityLogits.slice(), sh: cloud.sh.slice(),
  };
  // Each kind of noise on or off at random so the model sees them alone and together.
  const on = () => (rng.uniform() < 0.7 ? 1 : 0);
  const pos = on() * level * 0.04 * objectRadius;
  const scl = on() * level * 0.6;
  const grow = on() * level * 0.5;
  const opa = on() * level * 1.5;
  const col = on() * level * 0.35;
  const drop = on() * level * 0.25;
  for (let i = 0; i < cloud.count; i++) {
    for (let k = 0; k < 3; k++) {
      out.means[i * 3 + k] += pos * rng.normal();
      out.logScales[i * 3 + k] += scl * rng.normal() + grow;
    }
    out.opacityLogits[i] += opa * rng.normal();
    if (rng.uniform() < drop) out.opacityLogits[i] = -12;
    // DC term only (the first of K coefficients per channel): a colour shift per splat.
    for (let c = 0; c < 3; c++) out.sh[(i * K) * 3 + c] += col * rng.normal();
  }
  return out;
}
