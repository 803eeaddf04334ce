/**
 * The model-free path on a ray-traced textured scene with exact cameras (src/scenegen): the
 * patterned cube, neighbouring views of its DTU-like rig at 200x150. The known cameras are only
 * used to score.
 */
import { describe, expect, it } from 'vitest';
import { mat3Mul, mat3MulVec, mat3Transpose, type Camera } from '../../../src/core/camera.ts';
import { buildPatternedCube } from '../../../src/scenegen/objects/patternedCube.ts';
import { renderView } from '../../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../../src/scenegen/rig.ts';
import { detectOrb, estimatePoses, matchFeatures, pairwisePoseErrors } from '../../../src/recon/poses/index.ts';

/** Distance (px in b) of keypoint (ub, vb) from the true epipolar line of (ua, va). */
function epipolarPx(a: Camera, b: Camera, ua: number, va: number, ub: number, vb: number): number {
  const R = mat3Mul(b.R, mat3Transpose(a.R));
  const Rt = mat3MulVec(R, a.t);
  const t = [b.t[0] - Rt[0], b.t[1] - Rt[1], b.t[2] - Rt[2]];
  const x = mat3MulVec(R, [(ua - a.cx) / a.fx, (va - a.cy) / a.fy, 1]);
  const l = [t[1] * x[2] - t[2] * x[1], t[2] * x[0] - t[0] * x[2], t[0] * x[1] - t[1] * x[0]];
  return (Math.abs(l[0] * (ub - b.cx) / b.fx + l[1] * (vb - b.cy) / b.fy + l[2]) / Math.hypot(l[0], l[1])) * b.fx;
}

describe('ORB features + matching + SfM on a generated scene', () => {
  const obj = buildPatternedCube();
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 200, 150);
  const views = rig.filter((v) => v.ring === 1 && v.index >= 1 && v.index <= 5);
  const images = views.map((v) => renderView(obj, v.camera).image);

  it('ORB + mutual-NN/ratio matches of neighbouring views: many of them on the true epipolar lines', async () => {
    const [a, b] = [2, 3];
    const fa = await detectOrb(images[a]), fb = await detectOrb(images[b]);
    expect(fa.kind).toBe('binary');
    expect(fa.dim).toBe(32);
    expect(fa.keypoints.length / 2).toBeGreaterThan(100);
    const m = matchFeatures(fa, fb);
    const n = m.length / 2;
    let good = 0;
    for (let k = 0; k < n; k++) {
      const d = epipolarPx(views[a].camera, views[b].camera, fa.keypoints[2 * m[2 * k]], fa.keypoints[2 * m[2 * k] + 1], fb.keypoints[2 * m[2 * k + 1]], fb.keypoints[2 * m[2 * k + 1] + 1]);
      if (d < 1.5) good++;
    }
    expect(n).toBeGreaterThan(20);
    // A random match lies within 1.5 px of the line with probability ~ 3 / 200: far below this.
    expect(good / n).toBeGreaterThan(0.25);
  });
});

describe('object-centred start for a photo the matches cannot place', () => {
  it('with masks, the unplaceable photo gets a guessed camera marked object-centred and the reason SfM gave; without, it stays unplaced', async () => {
    const obj = buildPatternedCube();
    const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 200, 150);
    const ring1 = rig.filter((v) => v.ring === 1);
    // Two neighbours SfM can place, and the far end of the rig's arc, which shares nothing with them.
    const views = [ring1[2], ring1[3], ring1[ring1.length - 1]];
    const rendered = views.map((v) => renderView(obj, v.camera));
    const images = rendered.map((r) => r.image);
    const masks = rendered.map((r) => r.mask);
    const withStart = await estimatePoses(images, { features: 'none', masks, sfm: { seed: 2 } });
    const bare = await estimatePoses(images, { features: 'none', masks, objectCentred: false, sfm: { seed: 2 } });
    const placedBySfm = bare.views.filter((v) => v.registered).length;
    expect(placedBySfm).toBeLessThan(3);
    expect(withStart.views.every((v) => v.registered)).toBe(true);
    bare.views.forEach((v, i) => {
      const w = withStart.views[i];
      if (!w.registered) throw new Error('unreachable');
      if (v.registered) {
        expect(w.source).toBe('sfm');
        expect(w.camera).toEqual(v.camera);
      } else {
        expect(w.source).toBe('object-centred');
        expect(w.sfmReason).toBe(v.reason);
      }
    });
    expect(withStart.log.some((l) => l.startsWith('object-centred start placed'))).toBe(true);
  }, 240_000);
});
