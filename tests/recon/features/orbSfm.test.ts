/**
 * The model-free path end to end: OpenCV.js ORB -> mutual-NN + ratio matching -> incremental SfM
 * on a ray-traced textured scene with exact cameras (src/scenegen), 5 neighbouring views of the
 * patterned cube at 200x150. The known cameras are only used to score the result.
 */
import { describe, expect, it } from 'vitest';
import { buildPatternedCube } from '../../../src/scenegen/objects/patternedCube.ts';
import { renderView } from '../../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../../src/scenegen/rig.ts';
import { estimatePoses, pairwisePoseErrors } from '../../../src/recon/poses/index.ts';

describe('ORB features + matching + SfM on a generated scene', () => {
  it('registers all 5 views with small relative rotation and translation-direction errors', async () => {
    const obj = buildPatternedCube();
    const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 200, 150);
    const views = rig.filter((v) => v.ring === 1 && v.index >= 1 && v.index <= 5);
    expect(views).toHaveLength(5);
    const images = views.map((v) => renderView(obj, v.camera).image);
    const res = await estimatePoses(images, { features: 'none' });
    const reasons = res.views.map((v) => (v.registered ? 'ok' : v.reason));
    expect(reasons).toEqual(views.map(() => 'ok'));
    const cams = res.views.map((v) => (v.registered ? v.camera : null)!);
    const err = pairwisePoseErrors(cams, views.map((v) => v.camera));
    expect(err.rotationDeg.max).toBeLessThan(3);
    expect(err.translationDeg.median).toBeLessThan(5);
    // Cameras come in the photos' own pixels with a centred principal point.
    expect(cams[0].width).toBe(200);
    expect(cams[0].cx).toBe(100);
    expect(res.times.featuresMs).toBeGreaterThan(0);
    expect(res.points.count).toBeGreaterThan(20);
  });
});
