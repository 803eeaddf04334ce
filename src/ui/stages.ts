/** The pipeline's stages as the app shows them. A stage is only "ready" once it really runs. */
import type { TermId } from './glossary.ts';
export type StageState = 'unavailable' | 'blocked' | 'ready' | 'running' | 'done' | 'cancelled' | 'failed';

export type StageId = 'masks' | 'poses' | 'hull' | 'train' | 'compress' | 'evaluate';

export interface StageInfo {
  id: StageId;
  title: string;
  what: string;
  state: StageState;
  /** The glossary entry that explains the stage (its title shows it). */
  term?: TermId;
}

/** What the app knows about a stage right now: its state, and optionally a label and a tooltip. */
export interface StageStatus {
  state: StageState;
  /** Replaces the state's default label (e.g. "needs WebGPU" for a blocked stage). */
  label?: string;
  /** Replaces the tooltip. */
  hint?: string;
}

export interface ShownStage extends StageInfo {
  label: string;
  hint: string;
}

const NOT_YET = 'unavailable' as const;

export const PIPELINE_STAGES: readonly StageInfo[] = [
  { id: 'masks', title: 'Masks', what: 'Find the object in each photo', state: NOT_YET, term: 'masks' },
  { id: 'poses', title: 'Poses', what: 'Work out where each photo was taken from', state: NOT_YET, term: 'poses' },
  { id: 'hull', title: 'Visual hull', what: 'Carve a first 3D shape from the silhouettes', state: NOT_YET, term: 'visualHull' },
  { id: 'train', title: 'Train', what: 'Fit 3D Gaussians (splats) to the photos on the GPU', state: NOT_YET, term: 'train' },
  { id: 'compress', title: 'Compress', what: 'Pack the cloud into a small progressive stream', state: NOT_YET },
  { id: 'evaluate', title: 'Evaluate', what: 'Score pictures of the cloud against held-out photos (PSNR / SSIM / LPIPS)', state: NOT_YET, term: 'evaluate' },
];

export const STATE_LABELS: Record<StageState, string> = {
  unavailable: 'not available yet',
  blocked: 'not possible here',
  ready: 'ready',
  running: 'running',
  done: 'done',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** The stages with what is known about them now; stages without a status are not built yet. */
export function shownStages(status: Partial<Record<StageId, StageStatus>>): ShownStage[] {
  return PIPELINE_STAGES.map((s) => {
    const st = status[s.id];
    const state = st?.state ?? s.state;
    const hint = st?.hint ?? (state === 'unavailable' ? `${s.what}. Not available yet: this stage has not been built.` : s.what);
    return { ...s, state, label: st?.label ?? STATE_LABELS[state], hint };
  });
}
