/**
 * The training options the reconstruction benchmarks (bench:recon, bench:quality) run with, over
 * DEFAULT_TRAIN_OPTIONS (src/recon/train/trainOptions.ts). A documented bench parameter: their
 * tables are measured at 2000 steps per run (not the app's and CLI's default of 1000), so numbers
 * stay comparable with earlier tables; --iters overrides it.
 */
import type { TrainOptions } from '../src/recon/train/trainOptions.ts';

export const BENCH_TRAIN_OPTIONS = { iterations: 2000, progressEvery: 100 } as const satisfies Partial<TrainOptions>;
