/**
 * The standard sparse-view splits (see ../shared DATASETS.md). Numbers are only comparable with
 * published ones when these exact views are used, so they are spelled out here once.
 */
import type { SceneSplit } from './sceneFormat.ts';

/** DTU (RegNeRF / FreeNeRF / SpaRe): input views in order; 3-view = first 3, 6 = first 6, 9 = all. */
export const DTU_TRAIN_ORDER = [25, 22, 28, 40, 44, 48, 0, 8, 13] as const;
export const DTU_TEST = [1, 2, 9, 10, 11, 12, 14, 15, 23, 24, 26, 27, 29, 30, 31, 32, 33, 34, 35, 41, 42, 43, 45, 46, 47] as const;

/** Scene view id of DTU view n ("025"). */
export function dtuViewId(n: number): string {
  return String(n).padStart(3, '0');
}

export function dtuSplits(id: (n: number) => string = dtuViewId): Record<string, SceneSplit> {
  const test = DTU_TEST.map(id);
  const out: Record<string, SceneSplit> = {};
  for (const k of [3, 6, 9]) out[String(k)] = { train: DTU_TRAIN_ORDER.slice(0, k).map(id), test };
  return out;
}

/** Blender (DietNeRF / FreeNeRF): 8 inputs from transforms_train.json, in this order. */
export const BLENDER_TRAIN = ['r_26', 'r_86', 'r_2', 'r_55', 'r_75', 'r_93', 'r_16', 'r_73'] as const;
/** Every 8th of the 200 test views: r_0, r_8, ..., r_192. */
export const BLENDER_TEST: readonly string[] = Array.from({ length: 25 }, (_, i) => `r_${i * 8}`);

/**
 * Train and test frames share names (r_16 is in both), so scene ids carry the subset:
 * "train_r_26", "test_r_0".
 */
export function blenderViewId(subset: 'train' | 'test', name: string): string {
  return `${subset}_${name}`;
}

export function blenderSplits(): Record<string, SceneSplit> {
  const test = BLENDER_TEST.map((n) => blenderViewId('test', n));
  const train = BLENDER_TRAIN.map((n) => blenderViewId('train', n));
  return { '3': { train: train.slice(0, 3), test }, '8': { train, test } };
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.linspace(start, stop, num) computed the way NumPy does (i * step + start, last = stop). */
function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/**
 * LLFF (RegNeRF / FreeNeRF): test = every 8th image (0, 8, 16, ...); the n inputs are
 * train[round(x)] for x in np.linspace(0, len(train) - 1, n), with Python's rounding.
 * `ids` are the views in the dataset's (sorted) order. Splits larger than the train set are left out.
 */
export function llffSplits(ids: readonly string[], sizes: readonly number[] = [3, 6, 9]): Record<string, SceneSplit> {
  const test = ids.filter((_, i) => i % 8 === 0);
  const train = ids.filter((_, i) => i % 8 !== 0);
  const out: Record<string, SceneSplit> = {};
  for (const n of sizes) {
    if (n > train.length) continue;
    out[String(n)] = { train: linspace(0, train.length - 1, n).map((x) => train[roundHalfEven(x)]), test };
  }
  return out;
}
