import { describe, expect, it } from 'vitest';
import { cameraCenter, mat3Mul, radToDeg, rotationAngleBetween, rotationFromAxisAngle, transformCameraPose } from '../../../src/core/camera.ts';
import { alignCamerasToReference, applySimilarity, umeyama } from '../../../src/recon/poses/alignSimilarity.ts';
import { absolutePoseErrors, pairwisePoseErrors } from '../../../src/recon/poses/poseErrors.ts';
import { mulberry32, randomPoints, ringCameras } from './synthetic.ts';

describe('similarity alignment and pose errors', () => {
  const S = rotationFromAxisAngle([0.3, -0.7, 1.1]);
  const s = 2.5, t: [number, number, number] = [1, -2, 0.5];

  it('Umeyama recovers a known similarity from points, and the rigid variant keeps scale 1', () => {
    const src = randomPoints(mulberry32(5), 10);
    const dst = src.map((p) => applySimilarity({ s, R: S, t }, p));
    const sim = umeyama(src, dst)!;
    expect(sim.s).toBeCloseTo(s, 10);
    expect(radToDeg(rotationAngleBetween(sim.R, S))).toBeLessThan(1e-7);
    sim.t.forEach((v, i) => expect(v).toBeCloseTo(t[i], 9));
    expect(umeyama(src, dst, false)!.s).toBe(1);
    expect(umeyama(src.slice(0, 2), dst.slice(0, 2))).toBeNull();
  });

  it('cameras moved by a similarity align back exactly; pairwise errors are zero before alignment', () => {
    const ref = ringCameras(6, 4);
    const moved = ref.map((c) => transformCameraPose(c, 1 / s, S, t));
    // The moved cameras see the moved world: pairwise (relative) errors are zero, absolute are not.
    const pw = pairwisePoseErrors(moved, ref);
    expect(pw.pairs).toBe(15);
    expect(pw.rotationDeg.max).toBeLessThan(1e-6);
    expect(pw.translationDeg.max).toBeLessThan(1e-5);
    expect(absolutePoseErrors(moved, ref).rotationDeg.max).toBeGreaterThan(10);
    const aligned = alignCamerasToReference(moved, ref)!;
    const abs = absolutePoseErrors(aligned.cameras, ref);
    expect(abs.rotationDeg.max).toBeLessThan(1e-6);
    expect(abs.centre.max).toBeLessThan(1e-9);
    expect(aligned.similarity.s).toBeCloseTo(s, 9);
  });

  it('pairwise errors measure a known perturbation: one camera rotated 1 deg', () => {
    const ref = ringCameras(4, 4);
    const est = ref.map((c, i) => {
      if (i !== 2) return c;
      const R = mat3Mul(rotationFromAxisAngle([0, (1 * Math.PI) / 180, 0]), c.R);
      // Rotate about the centre, so the centre stays put.
      const C = cameraCenter(c);
      const RC = [R[0] * C[0] + R[1] * C[1] + R[2] * C[2], R[3] * C[0] + R[4] * C[1] + R[5] * C[2], R[6] * C[0] + R[7] * C[1] + R[8] * C[2]];
      return { ...c, R, t: [-RC[0], -RC[1], -RC[2]] as [number, number, number] };
    });
    const pw = pairwisePoseErrors(est, ref);
    expect(pw.rotationDeg.max).toBeCloseTo(1, 9);
    // Three of the six pairs involve camera 2.
    expect(pw.rotationDeg.median).toBeCloseTo(0.5, 9);
    expect(pw.translationDeg.max).toBeGreaterThan(0.1);
  });
});
