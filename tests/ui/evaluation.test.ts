import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createImage } from '../../src/core/image.ts';
import type { LoadedScene, LoadedView } from '../../src/io/sceneFolder.ts';
import { evaluationProblem, ONNX_FILE_PATTERN, poseFreeTrainCameras, SPLAT_FILE_PATTERN, splitScene } from '../../src/ui/evaluate/useEvaluation.ts';

const intr = { fx: 50, fy: 50, cx: 40, cy: 30, width: 80, height: 60 };

function view(id: string, camera = true): LoadedView {
  return { id, image: `images/${id}.png`, camera: camera ? lookAtCamera([3, 0, 1], [0, 0, 0], [0, 0, 1], intr) : undefined, rgba: createImage(80, 60) } as LoadedView;
}

function scene(views: LoadedView[], splits: Record<string, { train: string[]; test: string[] }>): LoadedScene {
  return { manifest: { version: 1, name: 's', views: views.map(({ id, image }) => ({ id, image })), splits }, views } as unknown as LoadedScene;
}

describe('when the Evaluate stage can run', () => {
  const ok = scene([view('a'), view('b'), view('c'), view('d')], { '2': { train: ['a', 'c'], test: ['b'] }, none: { train: ['a'], test: [] } });

  it('needs a scene, cameras, and a split with test views', () => {
    expect(evaluationProblem(ok, '2')).toBeNull();
    expect(evaluationProblem(null, null)?.label).toBe('needs a scene');
    expect(evaluationProblem(scene([view('a', false), view('b', false), view('c', false)], {}), null)?.label).toBe('needs cameras');
    expect(evaluationProblem(ok, null)).toMatchObject({ label: 'needs test views', message: expect.stringContaining('"splits"') });
    expect(evaluationProblem(ok, 'none')).toMatchObject({ label: 'needs test views', message: 'Split none has no test views: nothing to score.' });
    const half = scene([view('a'), view('b', false), view('c')], { '2': { train: ['a', 'c'], test: ['b'] } });
    expect(evaluationProblem(half, '2')).toMatchObject({ label: 'needs cameras', message: 'Views without a camera in split 2: b.' });
  });

  it('sends the worker only the split\'s views', () => {
    const sub = splitScene(ok, '2');
    expect(sub.views.map((v) => v.id)).toEqual(['a', 'b', 'c']);
    expect(sub.manifest).toBe(ok.manifest);
    expect(sub.views[0]).toBe(ok.views[0]);
  });

  it('pose-free: sends the split\'s training cameras (R, t) by view id, in split order', () => {
    const sc = scene([view('a'), view('b'), view('c'), view('d')], { '2': { train: ['c', 'a'], test: ['b'] } });
    const sent = poseFreeTrainCameras(sc, '2');
    expect(sent.map(([id]) => id)).toEqual(['c', 'a']);
    expect(sent[0][1]).toEqual({ R: sc.views[2].camera!.R, t: sc.views[2].camera!.t });
    expect(Object.keys(sent[1][1]).sort()).toEqual(['R', 't']);
  });

  it('routes one dropped cloud or model file by its name', () => {
    for (const n of ['cloud.ply', 'a.SPZ', 'x.splat']) expect(SPLAT_FILE_PATTERN.test(n), n).toBe(true);
    for (const n of ['cloud.ply.zip', 'photo.png', 'splat', 'scene.json']) expect(SPLAT_FILE_PATTERN.test(n), n).toBe(false);
    expect(ONNX_FILE_PATTERN.test('lpips_alex.onnx')).toBe(true);
    expect(ONNX_FILE_PATTERN.test('onnx.txt')).toBe(false);
  });
});
