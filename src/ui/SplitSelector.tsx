/** Chooses which named split ("3", "9") marks the views as train or test. */
import { Term } from './Term.tsx';

interface Props {
  names: string[];
  value: string | null;
  onChange: (name: string) => void;
}

export function SplitSelector({ names, value, onChange }: Props) {
  if (names.length === 0) return null;
  return (
    <div className="split-selector" role="radiogroup" aria-label="Train/test split" data-testid="split-selector">
      <span className="split-caption">
        <Term id="split">Split</Term>
      </span>
      {names.map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={n === value}
          className={n === value ? 'seg active' : 'seg'}
          title={`Train on ${n} view${n === '1' ? '' : 's'}, test on the held-out views`}
          onClick={() => onChange(n)}
        >
          {n}
        </button>
      ))}
    </div>
  );
}
