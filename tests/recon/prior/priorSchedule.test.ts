/** When the repair prior refreshes, adopts and trains on pseudo views (src/recon/prior/priorSchedule.ts). */
import { describe, expect, it } from 'vitest';
import { priorActionsAt, priorSchedule, refreshSteps } from '../../../src/recon/prior/priorSchedule.ts';

describe('priorSchedule', () => {
  const s = priorSchedule({ iterations: 100, priorStart: 0.3, priorEvery: 25, priorLag: 5, priorPseudoEvery: 4 });

  it('turns the options into steps, the lag kept under the refresh interval', () => {
    expect(s).toEqual({ iterations: 100, start: 30, every: 25, lag: 5, pseudoEvery: 4 });
    expect(priorSchedule({ iterations: 100, priorStart: 0, priorEvery: 10, priorLag: 50, priorPseudoEvery: 0 })).toEqual({ iterations: 100, start: 1, every: 10, lag: 9, pseudoEvery: 1 });
  });

  it('refreshes from the start every N steps while the result can still be trained on, and adopts each one lag steps later', () => {
    expect(refreshSteps(s)).toEqual([30, 55, 80]);
    const at = (f: 'refresh' | 'adopt' | 'pseudo') => Array.from({ length: 100 }, (_, i) => i + 1).filter((step) => priorActionsAt(step, s)[f]);
    expect(at('refresh')).toEqual([30, 55, 80]);
    expect(at('adopt')).toEqual([35, 60, 85]);
    // Pseudo steps: every 4th step from the first adoption on.
    const pseudo = at('pseudo');
    expect(pseudo[0]).toBe(36);
    expect(pseudo.every((p) => p % 4 === 0 && p >= 35)).toBe(true);
    expect(pseudo.length).toBe(17);
  });

  it('does nothing when the start leaves no time to use a repair', () => {
    const late = priorSchedule({ iterations: 50, priorStart: 0.95, priorEvery: 20, priorLag: 5, priorPseudoEvery: 2 });
    expect(refreshSteps(late)).toEqual([]);
    for (let step = 1; step <= 50; step++) expect(priorActionsAt(step, late)).toEqual({ refresh: false, adopt: false, pseudo: false });
  });
});
