/** The pipeline's stages and their states. Nothing is faked: unbuilt stages say so. */
import type { ReactNode } from 'react';
import { shownStages, type StageId, type StageStatus } from './stages.ts';

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
                <span className="stage-title">{s.title}</span>
                <span className="stage-state" data-testid={`stage-${s.id}-label`}>
                  {s.label}
                </span>
              </span>
              <span className="stage-what" title={s.hint}>
                {s.what}
              </span>
            </span>
            {bodies[s.id] && <div className="stage-body">{bodies[s.id]}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
