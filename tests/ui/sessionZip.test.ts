/**
 * A kept session as one zip (src/ui/sessions/sessionZip.ts): written and read back whole (the
 * checkpoint's arrays bit for bit, the scene's photos, masks and cameras), and a damaged or
 * foreign zip is an InputError naming the file and the field. The fuzzer reads it too
 * (tests/fuzz/targets.ts).
 */
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { isInputError } from '../../src/core/errors.ts';
import { sessionFromZip, sessionToZip } from '../../src/ui/sessions/sessionZip.ts';
import { sampleSession } from './sessionSample.ts';

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('session zip', () => {
  it('round-trips a session: meta, checkpoint arrays bit for bit, metrics, and the scene', async () => {
    const s = sampleSession();
    const back = await sessionFromZip(sessionToZip(s.meta, s.checkpoint, s.scene), 'x.session.zip');
    expect(back.meta).toEqual({ name: s.meta.name, scene: s.meta.scene, split: s.meta.split, settings: s.meta.settings, status: s.meta.status, iterations: s.meta.iterations });
    const c = back.checkpoint!;
    expect([c.step, c.iterations, c.seed, c.adamSteps, c.cloud.count, c.cloud.shDegree]).toEqual([12, 40, 3, 12, 10, 1]);
    for (const k of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) {
      expect(c.cloud[k]).toEqual(s.checkpoint.cloud[k]);
      expect(c.moments.m[k]).toEqual(s.checkpoint.moments.m[k]);
      expect(c.moments.v[k]).toEqual(s.checkpoint.moments.v[k]);
    }
    expect(c.history).toEqual(s.checkpoint.history); // Infinity survives JSON as null and back
    const scene = back.scene!;
    expect(scene.views.map((v) => v.id)).toEqual(['a', 'b', 'c']);
    scene.views.forEach((v, i) => {
      expect(v.rgba.data).toEqual(s.scene.views[i].rgba.data);
      expect(v.maskData).toEqual(s.scene.views[i].maskData);
      // Through JSON, as scene.json stores it (-0 comes back as 0).
      expect(v.camera).toEqual(JSON.parse(JSON.stringify(s.scene.views[i].camera)));
    });
  });

  it('keeps a run\'s camera refinement (start and refined cameras, optimiser state) with its checkpoint', async () => {
    const s = sampleSession();
    const cams = s.scene.views.map((v) => v.camera!);
    const cameraRefine = {
      start: cams,
      cameras: cams.map((c) => ({ ...c, t: [c.t[0] + 0.25, c.t[1], c.t[2]] as typeof c.t })),
      m1: cams.map((_, i) => [0.5 * i, 1, 2, 3, 4, 5, 6]),
      m2: cams.map(() => [1e-6, 0, 0, 2e-6, 0, 0, 3e-6]),
      updates: cams.map((_, i) => 10 + i),
    };
    const back = await sessionFromZip(sessionToZip(s.meta, { ...s.checkpoint, cameraRefine }, s.scene), 'x.session.zip');
    expect(back.checkpoint!.cameraRefine).toEqual(JSON.parse(JSON.stringify(cameraRefine)));
    // A camera that is not one (a bad rotation) is refused with the field named.
    const bad = { ...cameraRefine, cameras: [{ ...cams[0], R: [2, 0, 0, 0, 1, 0, 0, 0, 1] }, ...cameraRefine.cameras.slice(1)] };
    const err = await errorOf(sessionFromZip(sessionToZip(s.meta, { ...s.checkpoint, cameraRefine: bad } as typeof s.checkpoint, s.scene), 'x.session.zip'));
    expect(isInputError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/rotation/);
  });

  it('keeps every start the trainer offers (a session trained from the stereo start reads back)', async () => {
    const s = sampleSession();
    for (const init of ['hull', 'random', 'stereo'] as const) {
      const meta = { ...s.meta, settings: { ...s.meta.settings, init } };
      const back = await sessionFromZip(sessionToZip(meta, s.checkpoint, s.scene), 'x.session.zip');
      expect(back.meta.settings.init).toBe(init);
    }
  });

  it('keeps the co-regularisation switch, and reads a session from before it as trained without', async () => {
    const s = sampleSession();
    const on = { ...s.meta, settings: { ...s.meta.settings, levers: { ...s.meta.settings.levers, coReg: true } } };
    expect((await sessionFromZip(sessionToZip(on, s.checkpoint, s.scene), 'x.session.zip')).meta.settings.levers.coReg).toBe(true);
    const { coReg: _dropped, ...older } = s.meta.settings.levers;
    const before = { ...s.meta, settings: { ...s.meta.settings, levers: older as typeof s.meta.settings.levers } };
    expect((await sessionFromZip(sessionToZip(before, s.checkpoint, s.scene), 'x.session.zip')).meta.settings.levers.coReg).toBe(false);
  });

  it('refuses a zip that is not a session, and arrays of the wrong size', async () => {
    const foreign = await errorOf(sessionFromZip(zipSync({ 'a.txt': new Uint8Array(3) }), 'photos.zip'));
    expect(isInputError(foreign) && (foreign as Error).message).toMatch(/^photos\.zip: is not a kept session/);
    const s = sampleSession();
    const zip = sessionToZip(s.meta, { ...s.checkpoint, cloud: { ...s.checkpoint.cloud, count: 11 } }, s.scene);
    const short = await errorOf(sessionFromZip(zip, 's.zip'));
    expect(isInputError(short) && (short as Error).message).toMatch(/^s\.zip\/checkpoint\/cloud\.means\.f32: has 120 bytes; 11 splats need 132/);
  });
});
