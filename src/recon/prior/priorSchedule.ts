/**
 * When the repair prior acts during training (trainer.ts reads this each step):
 * - refresh: render the pseudo views with the current cloud and send them to be repaired, at
 *   `start` and every `every` steps after it, while a refresh can still be used before the end;
 * - adopt: `lag` steps after a refresh, its repaired images replace the pseudo targets (the
 *   trainer waits there if the repair is not back yet). The lag lets the prior worker repair while
 *   the GPU goes on training, and being a fixed number of steps it keeps a run reproducible;
 * - pseudo: from the first adoption on, every `pseudoEvery`-th step trains on a pseudo view
 *   instead of an input view (the input views keep their own order, untouched).
 */

export interface PriorSchedule {
  iterations: number;
  /** First refresh step (>= 1). */
  start: number;
  /** Steps between refreshes (>= 1). */
  every: number;
  /** Steps from a refresh to its adoption (0 .. every - 1). */
  lag: number;
  /** Every this many steps, a pseudo view (>= 1; 1 = every step). */
  pseudoEvery: number;
}

export interface PriorScheduleOptions {
  iterations: number;
  /** Fraction of the run trained before the first refresh (the cloud must first show the object). */
  priorStart: number;
  priorEvery: number;
  priorLag: number;
  priorPseudoEvery: number;
}

export function priorSchedule(o: PriorScheduleOptions): PriorSchedule {
  const every = Math.max(1, Math.round(o.priorEvery));
  return {
    iterations: o.iterations,
    start: Math.max(1, Math.round(o.priorStart * o.iterations)),
    every,
    lag: Math.min(every - 1, Math.max(0, Math.round(o.priorLag))),
    pseudoEvery: Math.max(1, Math.round(o.priorPseudoEvery)),
  };
}

export interface PriorActions {
  refresh: boolean;
  adopt: boolean;
  /** This step trains on a pseudo view (pseudo targets exist from the first adoption on). */
  pseudo: boolean;
}

/** The refresh steps of a run, in order. */
export function refreshSteps(s: PriorSchedule): number[] {
  const out: number[] = [];
  // A refresh is worth it only if its images are adopted and then trained on at least once.
  for (let step = s.start; step + s.lag < s.iterations; step += s.every) out.push(step);
  return out;
}

export function priorActionsAt(step: number, s: PriorSchedule): PriorActions {
  const lastUseful = s.iterations - s.lag - 1;
  const refresh = step >= s.start && step <= lastUseful && (step - s.start) % s.every === 0;
  const since = step - s.lag - s.start;
  const adopt = since >= 0 && since % s.every === 0 && step - s.lag <= lastUseful;
  const firstAdopt = s.start + s.lag;
  const pseudo = s.start <= lastUseful && step >= firstAdopt && step % s.pseudoEvery === 0;
  return { refresh, adopt, pseudo };
}
