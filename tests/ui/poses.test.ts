import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createImage } from '../../src/core/image.ts';
import type { LoadedScene, LoadedView } from '../../src/io/sceneFolder.ts';
import { evaluationProblem } from '../../src/ui/evaluate/useEvaluation.ts';
import { planTraining } from '../../src/ui/useTraining.ts';
import { posesProgressText, refinedGuesses, unposedViews, withCameras, withRefinedGuesses, type PlacedPoses, type PosesRun } from '../../src/ui/usePoses.ts';

const cam = (x: number) => lookAtCamera([x, -3, 1], [0, 0, 0], [0, 0, 1], { fx: 50, fy: 50, cx: 40, cy: 30, width: 80, height: 60 });
const view = (id: string): LoadedView => ({ id, image: `${id}.png`, rgba: createImage(80, 60), maskData: new Uint8Array(80 * 60).fill(1) }) as LoadedView;
const photos = (ids: string[]): LoadedScene => ({ manifest: { version: 1, name: 'p', views: ids.map((id) => ({ id, image: `${id}.png` })), splits: {} }, views: ids.map(view) }) as unknown as LoadedScene;
const bounds = { min: [-1, -1, -1], max: [1, 1, 1] } as PlacedPoses['bounds'];
const placed = (ids: string[], unplaced: string[] = []): PlacedPoses => ({
  cameras: new Map(ids.map((id, i) => [id, cam(i)])),
  unplaced: unplaced.map((id) => ({ id, image: `${id}.png`, reason: 'too few matches' })),
  guessed: [],
  warnings: [],
  bounds,
  focalPx: 50,
  rmsPx: 0.5,
});

describe('poses in the app (usePoses helpers)', () => {
  it('gives the placed photos their cameras and the points\' bounds; the others stay without', () => {
    const s = photos(['a', 'b', 'c']);
    expect(unposedViews(s)).toEqual(['a', 'b', 'c']);
    expect(withCameras(s, null)).toBe(s);
    const out = withCameras(s, placed(['a', 'c'], ['b']))!;
    expect(out.views.map((v) => !!v.camera)).toEqual([true, false, true]);
    expect(out.manifest.views.map((v) => !!v.camera)).toEqual([true, false, true]);
    expect(out.manifest.bounds).toEqual(bounds);
    expect(out.manifest.splits).toEqual({});
    expect(s.views[0].camera).toBeUndefined();
    // Without a split, training uses every placed photo.
    expect(planTraining(out, null)).toMatchObject({ problem: null, trainIds: ['a', 'c'] });
    expect(evaluationProblem(out, null)?.label).toBe('needs test views');
  });

  it('marks the cameras the object-centred start guessed (cameraGuess), in the views and the manifest a session stores', () => {
    const poses = { ...placed(['a', 'b', 'c']), guessed: [{ id: 'b', image: 'b.png', reason: 'too few matches' }] };
    const out = withCameras(photos(['a', 'b', 'c']), poses)!;
    expect(out.views.map((v) => Boolean(v.cameraGuess))).toEqual([false, true, false]);
    expect(out.manifest.views.map((v) => Boolean(v.cameraGuess))).toEqual([false, true, false]);
    // Training plans the camera pre-pass for them (its time is in the estimate).
    expect(planTraining(out, null).guessedIds).toEqual(['b']);
  });

  it('a scene opened with guessed cameras takes the refined ones for those views only, and keeps their mark', () => {
    const opened = withCameras(photos(['a', 'b', 'c']), { ...placed(['a', 'b', 'c']), guessed: [{ id: 'b', image: 'b.png', reason: 'too few matches' }] })!;
    expect(withRefinedGuesses(opened, null)).toBe(opened);
    const refined = new Map([['a', cam(7)], ['b', cam(8)], ['c', cam(9)]]);
    const out = withRefinedGuesses(opened, refined)!;
    // Only the guess moves: a and c were placed by the matches and held while training.
    expect(out.views.map((v) => v.camera)).toEqual([opened.views[0].camera, cam(8), opened.views[2].camera]);
    expect(out.manifest.views.map((v) => v.camera)).toEqual([opened.manifest.views[0].camera, cam(8), opened.manifest.views[2].camera]);
    expect(out.views.map((v) => Boolean(v.cameraGuess))).toEqual([false, true, false]);
    // What the 3D view draws where training moved it: the same one camera.
    expect([...refinedGuesses(opened, refined)]).toEqual([['b', cam(8)]]);
    expect(refinedGuesses(opened, null).size).toBe(0);
    // Cameras for other views only: nothing to change.
    expect(withRefinedGuesses(opened, new Map([['a', cam(7)]]))).toBe(opened);
  });

  it('holds out the last photo the matches placed, not a guessed one (a held-out guess would never be refined)', () => {
    const guess = (id: string) => ({ id, image: `${id}.png`, reason: 'too few matches' });
    const some = withCameras(photos(['a', 'b', 'c', 'd', 'e']), { ...placed(['a', 'b', 'c', 'd', 'e']), guessed: [guess('e'), guess('c')] })!;
    expect(some.manifest.splits).toEqual({ '4': { train: ['a', 'b', 'c', 'e'], test: ['d'] } });
    // Every camera guessed: the last placed, as before.
    const all = withCameras(photos(['a', 'b', 'c', 'd']), { ...placed(['a', 'b', 'c', 'd']), guessed: ['a', 'b', 'c', 'd'].map(guess) })!;
    expect(all.manifest.splits).toEqual({ '3': { train: ['a', 'b', 'c'], test: ['d'] } });
    // One matched: it stays in training (held out, it would leave only guesses to train on).
    const one = withCameras(photos(['a', 'b', 'c', 'd']), { ...placed(['a', 'b', 'c', 'd']), guessed: ['a', 'c', 'd'].map(guess) })!;
    expect(one.manifest.splits).toEqual({ '3': { train: ['a', 'b', 'c'], test: ['d'] } });
    // Guesses the scene came with count as guesses too.
    const opened = photos(['a', 'b', 'c', 'd', 'e']);
    opened.views[4] = { ...opened.views[4], camera: cam(4), cameraGuess: true };
    const mixed = withCameras(opened, { ...placed(['a', 'b', 'c', 'd']), guessed: [guess('d')] })!;
    expect(mixed.manifest.splits).toEqual({ '4': { train: ['a', 'b', 'd', 'e'], test: ['c'] } });
  });

  it('holds out the last placed photo in a split once 4 or more are placed', () => {
    const out = withCameras(photos(['a', 'b', 'c', 'd', 'e']), placed(['a', 'b', 'd', 'e'], ['c']))!;
    expect(out.manifest.splits).toEqual({ '3': { train: ['a', 'b', 'd'], test: ['e'] } });
    expect(evaluationProblem(out, '3')).toBeNull();
    expect(planTraining(out, '3').trainIds).toEqual(['a', 'b', 'd']);
  });

  it('says which step runs, and how long it should still take', () => {
    const run: PosesRun = { status: 'running', ids: [], progress: null, stageStartedAt: 1000, startedAt: 0, endedAt: null, message: null };
    expect(posesProgressText(run, 2000)).toBe('Starting · 2 s');
    expect(posesProgressText({ ...run, progress: { stage: 'matching', done: 2, total: 6 } }, 5000)).toBe('Matching photos 2 / 6 · 5 s, this step about 8 s more');
    expect(posesProgressText({ ...run, progress: { stage: 'sfm', done: 0, total: 6 } }, 5000)).toBe('Placing cameras 0 / 6 · 5 s');
  });
});
