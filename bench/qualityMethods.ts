/**
 * The method rows of bench:quality.
 *
 * --rows levers (the default; issue 14's table): "plain" (the defaults with every sparse-view
 * lever off), each lever alone on top of plain, and the app's Quality levels (qualityPresets.ts;
 * one of them is the defaults, DEFAULT_TRAIN_OPTIONS: what the app and the CLI run), each its own
 * row or a mark on the row equal to it. The levers and their "on" values are LEVERS below.
 *
 * With a repair-prior model (bench:quality --prior), --rows levers ends with "+ repair prior":
 * the defaults' levers with repairPrior on (issue 15: what the prior adds on top of them).
 * It then has "+ stereo start": the defaults' levers from the stereo start (init 'stereo', photo-
 * consistent points of a plane sweep through the bounds; the only start besides random for scenes
 * without masks), "+ co-regularisation": the defaults' levers with a second cloud trained beside
 * the first (CoR-GS: co-pruning and pseudo-view co-regularisation, src/recon/train/coTrain.ts),
 * "+ dropout ramp": the defaults' levers with DropGaussian's dropout schedule (the rate growing
 * from 0 to the defaults' --dropout over the run, dropoutRamp), "+ depth smoothness": the
 * defaults' levers with the depth smoothness at pseudo views (depthSmoothWeight,
 * src/gpu/loss/depthSmoothReference.ts),
 * and "+ depth (stereo)": the defaults' levers with the depth loss on, its targets the
 * plane sweep's depth maps of the training views (src/recon/depth/stereoDepth.ts; views with masks).
 * With a depth model (FastDepth in --models-dir), it ends with "+ depth (FastDepth)": the
 * defaults' levers with the depth loss on (depthWeight; the bench gives the row its views'
 * monocular depth maps).
 *
 * --rows ablation: random start, hull start, and the hull start with each regulariser that is ON
 * by default switched off in turn. "On by default" is read from DEFAULT_TRAIN_OPTIONS
 * (src/recon/train/trainOptions.ts), so the rows follow the defaults when they change;
 * regularisers that are off by default get no row and are listed in the notes.
 */
import { DEFAULT_QUALITY, QUALITY_LEVELS, QUALITY_PRESETS } from '../src/recon/train/qualityPresets.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../src/recon/train/trainOptions.ts';

export interface Method {
  name: string;
  options: Partial<TrainOptions>;
  /**
   * The row trains with depth maps of its views: 'fastdepth', the monocular model's (the bench runs
   * it); 'stereo', the plane sweep's (src/recon/depth/stereoDepth.ts).
   */
  depth?: 'fastdepth' | 'stereo';
}

/**
 * The depth row's weight unless --depth-weight says otherwise. FSGS weighs its Pearson depth loss
 * 0.05 over the whole image; over 16-pixel patches the gradient is far larger (a patch's depth
 * spread is small, and Pearson's gradient goes as 1 / spread), so the row uses less.
 * bench:quality, DTU scan37, 3 views, 1/4 size, 500 steps (quality best: 17.80 dB PSNR, 0.505
 * SSIM; 17.80 / 0.511 in a second run): 16-px patches at 0.1: 15.83 / 0.332; 0.01: 17.59 / 0.479
 * and, in the second run, 17.44 / 0.464 (depth r 0.32 -> 0.68, 0.67);
 * 0.001: 17.73 / 0.495 (r 0.20 -> 0.38); the whole image (--depth-patch 4096) at 0.05: 16.84 /
 * 0.406 (r 0.40 -> 0.93). The rendered depth follows FastDepth's, and the held-out views get
 * worse: FastDepth (indoor scenes) misjudges these object photos. 0.01 acts without wrecking
 * the run; the lever stays off by default.
 */
export const DEPTH_ROW_WEIGHT = 0.01;

/** The stereo depth row's weight unless --stereo-depth-weight says otherwise (see its measurements in the note). */
export const STEREO_DEPTH_ROW_WEIGHT = 0.05;

/**
 * The depth smoothness row's weight unless --depth-smooth says otherwise. The penalty of a hull
 * start's renders at pseudo views is in the hundreds (pixel-scale lumps; the photometric loss is
 * about 0.1), so weights are small (DTU-3, 1/4 size, 1000 steps: 1e-4 cost 0.28 dB, 1e-3 1.9 dB).
 */
export const DEPTH_SMOOTH_ROW_WEIGHT = 0.0001;
/** The warp consistency row's warpWeight (--warp overrides it). */
export const WARP_ROW_WEIGHT = 0.5;
/** The photo-consistency row's photoConsistencyWeight (--photo-consistency overrides it). */
export const PHOTO_CONSISTENCY_ROW_WEIGHT = 1;

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

/**
 * The sparse-view levers of issue 14: each one's options when on, and when off (plain). The "on"
 * values are the ones measured (see the notes), not necessarily the defaults.
 */
export const LEVERS: readonly { label: string; on: Partial<TrainOptions>; off: Partial<TrainOptions> }[] = [
  { label: 'short-run densify', on: { densifySchedule: 'short-run' }, off: { densifySchedule: 'scaled-3dgs' } },
  { label: 'frequent densify', on: { densifySchedule: 'frequent' }, off: { densifySchedule: 'scaled-3dgs' } },
  { label: 'dropout 0.1', on: { dropout: 0.1 }, off: { dropout: 0 } },
  { label: 'scale reg. 0.01', on: { scaleReg: 0.01 }, off: { scaleReg: 0 } },
  { label: 'opacity reg. 0.01', on: { opacityReg: 0.01 }, off: { opacityReg: 0 } },
  { label: 'anisotropy reg. 0.1', on: { anisoReg: 0.1 }, off: { anisoReg: 0 } },
  { label: 'final prune 0.0235', on: { finalPrune: 0.0235 }, off: { finalPrune: 0 } },
  { label: 'photo-consistency 1', on: { photoConsistencyWeight: 1 }, off: { photoConsistencyWeight: 0 } },
];

const isOn = (key: RegulariserKey) => {
  const v = DEFAULT_TRAIN_OPTIONS[key];
  return typeof v === 'boolean' ? v : v !== 0;
};

export type RowSet = 'levers' | 'ablation';

function sameOptions(a: Partial<TrainOptions>, b: Partial<TrainOptions>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TrainOptions>;
  return [...keys].every((k) => (a[k] ?? DEFAULT_TRAIN_OPTIONS[k]) === (b[k] ?? DEFAULT_TRAIN_OPTIONS[k]));
}

/** o.depth: the FastDepth row's depthWeight (no row without it); o.stereoDepth: the stereo depth row's (likewise); o.depthSmooth: the depth smoothness row's depthSmoothWeight (likewise); o.warp: the warp consistency row's warpWeight (likewise); o.photoConsistency: the photo-consistency row's weight (likewise). */
export function qualityMethods(rows: RowSet = 'levers', o: { prior?: boolean; depth?: number; stereoDepth?: number; depthSmooth?: number; warp?: number; photoConsistency?: number } = {}): Method[] {
  if (rows === 'ablation') {
    return [
      { name: 'random start', options: { init: 'random' } },
      { name: 'hull start', options: { init: 'hull' } },
      ...REGULARISERS.filter((r) => isOn(r.key)).map((r) => ({ name: `hull − ${r.label}`, options: { init: 'hull' as const, [r.key]: r.off } })),
    ];
  }
  const plain = Object.assign({}, ...LEVERS.map((l) => l.off)) as Partial<TrainOptions>;
  const methods: Method[] = [
    { name: 'plain', options: plain },
    ...LEVERS.map((l) => ({ name: `+ ${l.label}`, options: { ...plain, ...l.on } })),
  ];
  // The app's Quality levels (qualityPresets.ts), each its own row unless a row above equals it
  // (then that row is marked); the defaults are one of them.
  for (const q of QUALITY_LEVELS) {
    const options = { ...QUALITY_PRESETS[q].levers };
    const same = methods.find((m) => sameOptions(m.options, options));
    const mark = `quality ${q}${q === DEFAULT_QUALITY ? ', defaults' : ''}`;
    if (same) same.name += ` (= ${mark})`;
    else methods.push({ name: mark, options });
  }
  methods.push({ name: '+ stereo start', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, init: 'stereo' } });
  methods.push({ name: '+ dropout ramp', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, dropoutRamp: true } });
  if (o.depthSmooth) methods.push({ name: '+ depth smoothness', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, depthSmoothWeight: o.depthSmooth } });
  if (o.warp) methods.push({ name: '+ warp consistency', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, warpWeight: o.warp } });
  // With the defaults' own weight this row would be the defaults row again.
  if (o.photoConsistency && o.photoConsistency !== QUALITY_PRESETS[DEFAULT_QUALITY].levers.photoConsistencyWeight) methods.push({ name: '+ photo-consistency', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, photoConsistencyWeight: o.photoConsistency } });
  methods.push({ name: '+ co-regularisation', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, coReg: true } });
  if (o.prior) methods.push({ name: '+ repair prior', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, repairPrior: true } });
  if (o.stereoDepth) methods.push({ name: '+ depth (stereo)', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, depthWeight: o.stereoDepth }, depth: 'stereo' });
  if (o.depth) methods.push({ name: '+ depth (FastDepth)', options: { ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, depthWeight: o.depth }, depth: 'fastdepth' });
  return methods;
}

/** "scale reg. (scaleReg = 0)" for each regulariser off by default (no ablation row). */
export function regularisersOffByDefault(): string[] {
  return REGULARISERS.filter((r) => !isOn(r.key)).map((r) => `${r.label} (${r.key} = ${String(DEFAULT_TRAIN_OPTIONS[r.key])})`);
}
