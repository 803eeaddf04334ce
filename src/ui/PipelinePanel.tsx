/** The pipeline's stages and their states. Nothing is faked: unbuilt stages say so. */
import { PIPELINE_STAGES, STATE_LABELS } from './stages.ts';

export function PipelinePanel() {
  return (
    <section className="panel" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline</h2>
      <ol className="stages" data-testid="pipeline">
        {PIPELINE_STAGES.map((s, i) => (
          <li
            key={s.id}
            className={`stage stage-${s.state}`}
            data-testid={`stage-${s.id}`}
            data-state={s.state}
            aria-disabled={s.state === 'unavailable'}
            title={s.state === 'unavailable' ? `${s.what}. Not available yet: this stage has not been built.` : s.what}
          >
            <span className="stage-num">{i + 1}</span>
            <span className="stage-text">
              <span className="stage-head">
                <span className="stage-title">{s.title}</span>
                <span className="stage-state">{STATE_LABELS[s.state]}</span>
              </span>
              <span className="stage-what">{s.what}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
