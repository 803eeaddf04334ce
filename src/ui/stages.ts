/** The pipeline's stages as the app shows them. A stage is only "ready" once it really runs. */
export type StageState = 'unavailable' | 'ready' | 'running' | 'done' | 'failed';

export interface StageInfo {
  id: 'masks' | 'poses' | 'hull' | 'train' | 'compress' | 'evaluate';
  title: string;
  what: string;
  state: StageState;
}

const NOT_YET = 'unavailable' as const;

export const PIPELINE_STAGES: readonly StageInfo[] = [
  { id: 'masks', title: 'Masks', what: 'Find the object in each photo', state: NOT_YET },
  { id: 'poses', title: 'Poses', what: 'Work out where each photo was taken from', state: NOT_YET },
  { id: 'hull', title: 'Visual hull', what: 'Carve a first 3D shape from the silhouettes', state: NOT_YET },
  { id: 'train', title: 'Train', what: 'Optimise 3D Gaussians on the GPU until renders match the photos', state: NOT_YET },
  { id: 'compress', title: 'Compress', what: 'Pack the cloud into a small progressive stream', state: NOT_YET },
  { id: 'evaluate', title: 'Evaluate', what: 'Score renders against held-out photos (PSNR / SSIM / LPIPS)', state: NOT_YET },
];

export const STATE_LABELS: Record<StageState, string> = {
  unavailable: 'not available yet',
  ready: 'ready',
  running: 'running',
  done: 'done',
  failed: 'failed',
};
