/**
 * The camera refiner's gauge (src/recon/train/cameraRefine.ts): which views move, and the scale
 * it holds. Plain CPU arithmetic on hand-made gradients; the photometric behaviour is
 * cameraRefine.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, type Camera } from '../../src/core/camera.ts';
import { CameraRefiner, heldCameras } from '../../src/recon/train/cameraRefine.ts';
import { loadScene } from '../../src/io/sceneFolder.ts';
import { validateSceneManifest } from '../../src/io/sceneFormat.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { guessedViewIds, prepareSplit } from '../../src/recon/prepareViews.ts';

const INTR = { fx: 100, fy: 100, cx: 32, cy: 24, width: 64, height: 48 };
const ring = (n: number): Camera[] =>
  Array.from({ length: n }, (_, k) => lookAtCamera([4 * Math.sin(k), -1, -4 * Math.cos(k)], [0, 0, 0], [0, -1, 0], INTR));
const settings = { lr: 1e-2, lrTranslation: 1e-2, refineFocal: false, startStep: 1, endStep: 100, centre: [0, 0, 0] as [number, number, number], pivot: 'camera' as const };
const GRAD = [0.3, -0.2, 0.1, 0.05, 0.02, -0.04, 0];
const moved = (a: Camera, b: Camera) => a.R.some((x, k) => x !== b.R[k]) || a.t.some((x, k) => x !== b.t[k]);

describe('camera refinement gauge', () => {
  it('heldCameras: with guessed and matched views and "guesses", the matched views are held; otherwise the first', () => {
    const v = (g: boolean[]) => g.map((cameraGuess) => ({ cameraGuess }));
    expect(heldCameras(v([true, false, true, false]), 'guesses')).toEqual([false, true, false, true]);
    expect(heldCameras(v([true, false, true, false]), 'all')).toEqual([true, false, false, false]);
    expect(heldCameras(v([true, true, true]), 'guesses')).toEqual([true, false, false]);
    expect(heldCameras(v([false, false, false]), 'guesses')).toEqual([true, false, false]);
    expect(heldCameras([{}, {}], 'guesses')).toEqual([true, false]);
  });

  it('a scene view marked cameraGuess (scene:from-photos writes it) reaches its training view, so the matched views are held', async () => {
    const scene = await loadScene(fsSource('scenes/patterned-cube'));
    const split = Object.keys(scene.manifest.splits)[0];
    const train = scene.manifest.splits[split].train;
    const guessed = new Set([train[1]]);
    const marked = { ...scene, views: scene.views.map((v) => (guessed.has(v.id) ? { ...v, cameraGuess: true } : v)) };
    expect(guessedViewIds(marked, train)).toEqual([train[1]]);
    expect(guessedViewIds(scene, train)).toEqual([]);
    const views = prepareSplit(marked, split, { width: 16, height: 12 }).train;
    expect(views.map((v) => Boolean(v.cameraGuess))).toEqual(train.map((id) => guessed.has(id)));
    expect(heldCameras(views, 'guesses')).toEqual(train.map((id) => !guessed.has(id)));
    // Unmarked, every view is treated alike: the first holds the frame.
    expect(heldCameras(prepareSplit(scene, split, { width: 16, height: 12 }).train, 'guesses')).toEqual(train.map((_, i) => i === 0));
    // The field is checked like the rest of scene.json.
    const manifest = JSON.parse(JSON.stringify(scene.manifest));
    manifest.views[0].cameraGuess = true;
    expect(validateSceneManifest(manifest).views[0].cameraGuess).toBe(true);
    manifest.views[0].cameraGuess = 'yes';
    expect(() => validateSceneManifest(manifest)).toThrow(/views\[0\]\.cameraGuess/);
    // A mark on a view without a camera is refused, saying what to do.
    manifest.views[0].cameraGuess = true;
    delete manifest.views[0].camera;
    expect(() => validateSceneManifest(manifest)).toThrow(/views\[0\]\.cameraGuess: marks a rough camera, but the view has none: give it a camera or remove cameraGuess/);
  });

  it('held views never move; the others do', () => {
    const cams = ring(5);
    const held = [false, true, false, true, false];
    const r = new CameraRefiner(cams, { ...settings, held });
    for (let step = 1; step <= 20; step++) for (let i = 0; i < 5; i++) r.update(i, GRAD, step);
    const out = r.cameras();
    held.forEach((h, i) => {
      expect(r.refines(i, 10)).toBe(!h);
      expect(moved(out[i], cams[i])).toBe(!h);
    });
  });

  it('with two or more held views the scale is theirs: a moved view is not pulled by a spread rule', () => {
    // Only the centre step: view 2 moves along its axis and keeps going (a spread rule would pull it back).
    const cams = ring(3);
    const r = new CameraRefiner(cams, { ...settings, held: [true, true, false] });
    for (let step = 1; step <= 30; step++) r.update(2, [0, 0, 0, 0, 0, 1, 0], step);
    const d = (c: Camera) => Math.hypot(...cameraCenter(c));
    expect(Math.abs(d(r.camera(2)) / d(cams[2]) - 1)).toBeGreaterThan(0.05);
    expect(r.camera(0)).toEqual(cams[0]);
    expect(r.camera(1)).toEqual(cams[1]);
  });

  it('per-view pivots: a rotation step turns a camera about its centre or orbits it about the object', () => {
    // Two held views: no spread rule rescales the moved ones.
    const cams = ring(4);
    const centre: [number, number, number] = [0.2, 0.1, -0.1];
    const r = new CameraRefiner(cams, { ...settings, centre, held: [true, true, false, false], pivot: ['camera', 'camera', 'camera', 'object'] });
    for (let step = 1; step <= 10; step++) for (const i of [2, 3]) r.update(i, [0.3, -0.2, 0.1, 0, 0, 0, 0], step);
    const dist = (c: Camera) => Math.hypot(...cameraCenter(c).map((x, k) => x - centre[k]));
    const shift = (i: number) => Math.hypot(...cameraCenter(r.camera(i)).map((x, k) => x - cameraCenter(cams[i])[k]));
    expect(moved(r.camera(2), cams[2])).toBe(true);
    expect(shift(2)).toBeLessThan(1e-9); // turned where it stands
    expect(shift(3)).toBeGreaterThan(1e-3); // orbited
    expect(dist(r.camera(3))).toBeCloseTo(dist(cams[3]), 9);
  });

  it('with one held view (not the first) the RMS distance of the others from it is kept', () => {
    const cams = ring(4);
    const rms = (cs: Camera[], a: number) => {
      const c = cameraCenter(cs[a]);
      const s = cs.filter((_, j) => j !== a).map((x) => cameraCenter(x)).reduce((acc, p) => acc + (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 + (p[2] - c[2]) ** 2, 0);
      return Math.sqrt(s / (cs.length - 1));
    };
    const r = new CameraRefiner(cams, { ...settings, held: [false, false, true, false] });
    for (let step = 1; step <= 30; step++) for (const i of [0, 1, 3]) r.update(i, [0, 0, 0, 0, 0, 1, 0], step);
    const out = r.cameras();
    expect(out[2]).toEqual(cams[2]);
    expect(moved(out[0], cams[0])).toBe(true);
    expect(rms(out, 2)).toBeCloseTo(rms(cams, 2), 9);
  });
});
