/**
 * The method rows of bench:quality, shaped like a paper's ablation: random start, hull start, and
 * the hull start with each regulariser that is ON by default switched off in turn. "On by
 * default" is read from DEFAULT_TRAIN_OPTIONS (src/recon/train/trainOptions.ts), so the rows
 * follow the defaults when they change; regularisers that are off by default get no row and are
 * listed in the notes.
 */
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../src/recon/train/trainOptions.ts';

export interface Method {
  name: string;
  options: Partial<TrainOptions>;
}

type RegulariserKey = 'maskWeight' | 'ssimWeight' | 'scaleReg' | 'opacityReg' | 'anisoReg' | 'hullPrune' | 'floaterEvery';

/** Every regulariser of TrainOptions, with its name in the table and its "off" value. */
export const REGULARISERS: readonly { key: RegulariserKey; label: string; off: 0 | false }[] = [
  { key: 'maskWeight', label: 'mask loss', off: 0 },
  { key: 'ssimWeight', label: 'D-SSIM loss', off: 0 },
  { key: 'scaleReg', label: 'scale reg.', off: 0 },
  { key: 'opacityReg', label: 'opacity reg.', off: 0 },
  { key: 'anisoReg', label: 'anisotropy reg.', off: 0 },
  { key: 'hullPrune', label: 'hull pruning', off: false },
  { key: 'floaterEvery', label: 'floater removal', off: 0 },
];

const isOn = (key: RegulariserKey) => {
  const v = DEFAULT_TRAIN_OPTIONS[key];
  return typeof v === 'boolean' ? v : v !== 0;
};

export function qualityMethods(): Method[] {
  return [
    { name: 'random start', options: { init: 'random' } },
    { name: 'hull start', options: { init: 'hull' } },
    ...REGULARISERS.filter((r) => isOn(r.key)).map((r) => ({ name: `hull − ${r.label}`, options: { init: 'hull' as const, [r.key]: r.off } })),
  ];
}

/** "scale reg. (scaleReg = 0)" for each regulariser off by default (no ablation row). */
export function regularisersOffByDefault(): string[] {
  return REGULARISERS.filter((r) => !isOn(r.key)).map((r) => `${r.label} (${r.key} = ${String(DEFAULT_TRAIN_OPTIONS[r.key])})`);
}
