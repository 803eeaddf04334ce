import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createImage } from '../../src/core/image.ts';
import type { LoadedScene, LoadedView } from '../../src/io/sceneFolder.ts';
import { shownStages } from '../../src/ui/stages.ts';
import { DEFAULT_TRAIN_SETTINGS, MAX_OOM_RETRIES, oomFallback, planTraining, progressEvery, settingsSteps, trainSize } from '../../src/ui/useTraining.ts';
import { defaultSteps } from '../../src/recon/train/stepCount.ts';
import { isOutOfGpuMemory, OUT_OF_GPU_MEMORY } from '../../src/recon/train/outOfMemory.ts';

const intr = { fx: 50, fy: 50, cx: 40, cy: 30, width: 80, height: 60 };

function view(id: string, opts: { camera?: boolean; mask?: boolean } = {}): LoadedView {
  const camera = opts.camera === false ? undefined : lookAtCamera([3, 0, 1], [0, 0, 0], [0, 0, 1], intr);
  return { id, image: `images/${id}.png`, camera, rgba: createImage(80, 60), maskData: opts.mask === false ? undefined : new Uint8Array(80 * 60).fill(1) } as LoadedView;
}

function scene(views: LoadedView[], splits: Record<string, { train: string[]; test: string[] }> = {}, bounds = true): LoadedScene {
  return {
    manifest: { version: 1, name: 's', views: views.map(({ id, image }) => ({ id, image })), splits, ...(bounds ? { bounds: { min: [-1, -1, -1], max: [1, 1, 1] } } : {}) },
    views,
  } as unknown as LoadedScene;
}

describe('planTraining (when the Train stage can run)', () => {
  it('trains on the split\'s train views, or every posed view without splits', () => {
    const s = scene([view('a'), view('b'), view('c')], { '2': { train: ['a', 'c'], test: ['b'] } });
    expect(planTraining(s, '2')).toMatchObject({ problem: null, hullProblem: null, trainIds: ['a', 'c'], width: 80, height: 60 });
    expect(planTraining(s, null).trainIds).toEqual(['a', 'b', 'c']);
  });

  it('needs cameras, and masks for the hull start', () => {
    expect(planTraining(null, null).problem).toBe('Open a scene first.');
    expect(planTraining(scene([view('a', { camera: false })]), null).problem).toContain('the Poses stage places dropped photos');
    const unposed = planTraining(scene([view('a'), view('b', { camera: false })], { '2': { train: ['a', 'b'], test: [] } }), '2');
    expect(unposed.problem).toBe('Training views without a camera: b (the Poses stage has not placed them: see why there, or pick another split).');
    const noMask = planTraining(scene([view('a'), view('b', { mask: false })]), null);
    expect(noMask.problem).toBeNull();
    expect(noMask.hullProblem).toContain('(b has none)');
    expect(planTraining(scene([view('a', { mask: false })], {}, false), null).problem).toContain('masks or object bounds');
  });

  it('sizes and progress cadence', () => {
    const plan = planTraining(scene([view('a')]), null);
    expect(trainSize(plan, 'half')).toEqual({ width: 40, height: 30 });
    expect(trainSize(plan, 'quarter')).toEqual({ width: 20, height: 16 });
    expect([1, 20, 1000, 30000].map(progressEvery)).toEqual([1, 1, 10, 10]);
  });
});

describe('shownStages', () => {
  it('says "not available yet" for stages without a status and uses the given labels', () => {
    const s = shownStages({ train: { state: 'blocked', label: 'needs WebGPU' } });
    expect(s.find((x) => x.id === 'masks')).toMatchObject({ state: 'unavailable', label: 'not available yet' });
    expect(s.find((x) => x.id === 'train')).toMatchObject({ state: 'blocked', label: 'needs WebGPU' });
    expect(shownStages({ train: { state: 'done' } }).find((x) => x.id === 'train')?.label).toBe('done');
  });
});

describe('oomFallback (what a run out of GPU memory tries next)', () => {
  const plan = { problem: null, hullProblem: null, trainIds: ['a'], guessedIds: [], width: 400, height: 300 };

  it('goes down one training size, and says from what to what', () => {
    expect(oomFallback(plan, { ...DEFAULT_TRAIN_SETTINGS, size: 'full' })).toEqual({
      settings: { ...DEFAULT_TRAIN_SETTINGS, size: 'half' },
      message: 'Out of GPU memory at 400×300; training at 200×150 instead.',
    });
    expect(oomFallback(plan, { ...DEFAULT_TRAIN_SETTINGS, size: 'half' })?.settings.size).toBe('quarter');
    expect(oomFallback(plan, { ...DEFAULT_TRAIN_SETTINGS, size: 'half' })?.message).toBe('Out of GPU memory at 200×150; training at 100×75 instead.');
  });

  it('at the smallest size halves the splat budget, down to the least allowed, then gives up', () => {
    const quarter = { ...DEFAULT_TRAIN_SETTINGS, size: 'quarter' as const, initSplats: 800 };
    const once = oomFallback(plan, quarter);
    expect(once?.settings).toEqual({ ...quarter, initSplats: 400, maxSplats: 100_000 });
    expect(once?.message).toBe('Out of GPU memory at 100×75 with 800 start splats (at most 200,000); training with 400 (at most 100,000) instead.');
    expect(oomFallback(plan, { ...quarter, initSplats: 150, maxSplats: 1500 })?.settings).toMatchObject({ initSplats: 100, maxSplats: 1024 });
    expect(oomFallback(plan, { ...quarter, initSplats: 100, maxSplats: 1024 })).toBeNull();
    expect(MAX_OOM_RETRIES).toBe(2);
  });

  it('an out-of-memory end is told apart from other ends', () => {
    expect(isOutOfGpuMemory(`${OUT_OF_GPU_MEMORY} while allocating the run's buffers (x)`)).toBe(true);
    expect(isOutOfGpuMemory('cancelled at step 3')).toBe(false);
    expect(isOutOfGpuMemory(null)).toBe(false);
  });
});

describe('settingsSteps (the Steps field: by the number of views until one is typed)', () => {
  it('follows the view count by default and keeps a typed count', () => {
    expect(DEFAULT_TRAIN_SETTINGS.stepsByViews).toBe(true);
    expect(settingsSteps(DEFAULT_TRAIN_SETTINGS, 3)).toBe(defaultSteps(3));
    expect(settingsSteps(DEFAULT_TRAIN_SETTINGS, 9)).toBe(defaultSteps(9));
    expect(defaultSteps(9)).not.toBe(defaultSteps(3));
    const typed = { ...DEFAULT_TRAIN_SETTINGS, iterations: 37, stepsByViews: false };
    expect(settingsSteps(typed, 3)).toBe(37);
    expect(settingsSteps(typed, 9)).toBe(37);
  });
});
