/** A small line chart of one training curve (loss, PSNR): SVG, no library. */
import type { TermId } from './glossary.ts';
import { Term } from './Term.tsx';

interface Props {
  title: string;
  /** The glossary entry that explains the plotted value, if any. */
  term?: TermId;
  /** [step, value] pairs in step order. */
  points: [number, number][];
  /** Total steps of the run, so the x axis does not jump as points arrive. */
  maxStep: number;
  format: (v: number) => string;
  color: string;
  testId: string;
}

const W = 300;
const H = 64;
const PAD = 2;
const MAX_DRAWN = 400;

export function Sparkline({ title, term, points, maxStep, format, color, testId }: Props) {
  const finite = points.filter(([, v]) => Number.isFinite(v));
  const drawn = thin(finite, MAX_DRAWN);
  const lo = Math.min(...finite.map(([, v]) => v));
  const hi = Math.max(...finite.map(([, v]) => v));
  const span = hi - lo || Math.abs(hi) * 0.1 || 1;
  const x = (s: number) => PAD + ((W - 2 * PAD) * s) / Math.max(1, maxStep);
  const y = (v: number) => PAD + (H - 2 * PAD) * (1 - (v - lo) / span);
  const last = finite.at(-1);
  return (
    <figure className="spark" data-testid={testId} data-points={finite.length}>
      <figcaption>
        <span>{term ? <Term id={term}>{title}</Term> : title}</span>
        <span className="spark-value">{last ? format(last[1]) : '–'}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${title} over training steps`}>
        <rect x="0" y="0" width={W} height={H} className="spark-bg" />
        {drawn.length === 1 && <circle cx={x(drawn[0][0])} cy={y(drawn[0][1])} r="2.5" fill={color} />}
        {drawn.length > 1 && (
          <polyline
            points={drawn.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
            fill="none"
            stroke={color}
            strokeWidth="1.5"
            vectorEffect="non-scaling-stroke"
          />
        )}
      </svg>
      {finite.length > 0 && (
        <div className="spark-range">
          <span>
            {format(lo)} – {format(hi)}
          </span>
          <span>step {last?.[0]}</span>
        </div>
      )}
    </figure>
  );
}

/** At most `n` points, evenly picked, always keeping the last. */
function thin<T>(a: T[], n: number): T[] {
  if (a.length <= n) return a;
  const out: T[] = [];
  for (let i = 0; i < n - 1; i++) out.push(a[Math.floor((i * a.length) / (n - 1))]);
  out.push(a[a.length - 1]);
  return out;
}
