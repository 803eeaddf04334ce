/**
 * How a training run says its GPU buffers did not fit (trainSession.ts ends the run with it; the
 * page, src/ui/useTraining.ts, tries again smaller). A module of its own so the page's bundle does
 * not take in the trainer.
 */

/** How a run's `stopped` starts when its GPU buffers could not be allocated. */
export const OUT_OF_GPU_MEMORY = 'out of GPU memory';

export function isOutOfGpuMemory(stopped: string | null | undefined): boolean {
  return !!stopped && stopped.startsWith(OUT_OF_GPU_MEMORY);
}
