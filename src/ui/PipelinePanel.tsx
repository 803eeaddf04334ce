/**
 * The pipeline's stages and their states. Nothing is faked: unbuilt stages say so. A stage's
 * one-line description shows while it is something to do (ready with controls, running, failed,
 * cancelled); a finished, blocked or unbuilt stage is one line, its description in its title's
 * explanation (Term) and tooltip, so that the sidebar fits a 1280x720 window.
 */
import type { ReactNode } from 'react';
import { shownStages, type StageId, type StageState, type StageStatus } from './stages.ts';
import { Term } from './Term.tsx';

interface Props {
  status?: Partial<Record<StageId, StageStatus>>;
  /** Controls shown under a stage (the Train stage's settings, progress and results). */
  bodies?: Partial<Record<StageId, ReactNode>>;
}

export function PipelinePanel({ status = {}, bodies = {} }: Props) {
  return (
    <section className="panel" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline</h2>
      <ol className="stages" data-testid="pipeline">
        {shownStages(status).map((s, i) => (
          <li
            key={s.id}
            className={`stage stage-${s.state}${bodies[s.id] ? ' stage-open' : ''}`}
            data-testid={`stage-${s.id}`}
            data-state={s.state}
            aria-disabled={s.state === 'unavailable' || s.state === 'blocked'}
          >
            <span className="stage-num">{i + 1}</span>
            <span className="stage-text">
              <span className="stage-head" title={s.hint}>
                <span className="stage-title">{s.term ? <Term id={s.term}>{s.title}</Term> : s.title}</span>
                <span className="stage-state" data-testid={`stage-${s.id}-label`}>
                  {s.label}
                </span>
              </span>
              {showWhat(s.state, !!bodies[s.id]) && (
                <span className="stage-what" title={s.hint} data-testid={`stage-${s.id}-what`}>
                  {s.what}
                </span>
              )}
            </span>
            {bodies[s.id] && <div className="stage-body">{bodies[s.id]}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Whether a stage shows its description line (see the file comment). */
export function showWhat(state: StageState, hasBody: boolean): boolean {
  return state === 'running' || state === 'failed' || state === 'cancelled' || (state === 'ready' && hasBody);
}
