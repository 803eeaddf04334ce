/**
 * Training options as CLI flags, from TRAIN_OPTION_SPECS (src/recon/train/trainOptions.ts): the
 * usage lines and the parsing (bounds, choices) of the flags a script accepts.
 */
import { InputError } from '../../src/core/errors.ts';
import { TRAIN_OPTION_SPECS, trainOptionSpec, type TrainOptionKey, type TrainOptions, type TrainOptionSpec } from '../../src/recon/train/trainOptions.ts';
import type { ParsedArgs } from './args.ts';

/** Every option, in the table's order. */
export const ALL_TRAIN_OPTIONS = Object.keys(TRAIN_OPTION_SPECS) as TrainOptionKey[];

/** The flag names of `keys`, for parseArgs's list of known flags. */
export function trainFlagNames(keys: readonly TrainOptionKey[]): string[] {
  return keys.map((k) => TRAIN_OPTION_SPECS[k].flag);
}

function valueHint(s: TrainOptionSpec): string {
  if (s.kind === 'choice') return s.choices.join('|');
  if (s.kind === 'boolean') return 'true|false';
  return s.kind === 'int' ? 'N' : 'X';
}

function range(s: TrainOptionSpec): string {
  return s.kind === 'int' || s.kind === 'number' ? `, ${s.min}..${s.max}` : '';
}

/**
 * Usage lines for `keys`: flag, value, doc, default and range. `defaults` overrides the shown
 * default where a script passes its own (a benchmark's documented step count).
 */
export function trainFlagsUsage(keys: readonly TrainOptionKey[], defaults: Partial<TrainOptions> = {}): string {
  const lines: string[] = [];
  for (const k of keys) {
    const s = trainOptionSpec(k);
    const head = `  --${s.flag} ${valueHint(s)}`;
    const text = `${s.doc}; default ${defaults[k] !== undefined ? String(defaults[k]) : s.defaultDoc ?? String(s.default)}${range(s)}`;
    lines.push(head.length < 21 ? head.padEnd(21) + text : `${head}\n${' '.repeat(21)}${text}`);
  }
  return lines.join('\n');
}

/** One option's value from its flag, checked against the table; undefined when not given. */
function parseValue(s: TrainOptionSpec, raw: string): TrainOptions[TrainOptionKey] {
  const flag = `--${s.flag}`;
  switch (s.kind) {
    case 'choice':
      if (!s.choices.includes(raw)) throw new InputError(`${flag} must be ${s.choices.slice(0, -1).join(', ')} or ${s.choices.at(-1)}, got "${raw}"`);
      return raw as TrainOptions[TrainOptionKey];
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new InputError(`${flag} must be true or false, got "${raw}"`);
      return raw === 'true';
    case 'int':
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if ((s.kind === 'int' ? !Number.isInteger(n) : !Number.isFinite(n)) || n < s.min || n > s.max)
        throw new InputError(`${flag} must be a ${s.kind === 'int' ? 'whole number' : 'number'} from ${s.min} to ${s.max}, got "${raw}"`);
      return n;
    }
  }
}

/**
 * The options of `keys` given on the command line (absent flags are left out, so the trainer's
 * defaults apply), over `defaults` (a script's own documented values).
 */
export function parseTrainFlags(args: ParsedArgs, keys: readonly TrainOptionKey[], defaults: Partial<TrainOptions> = {}): Partial<TrainOptions> {
  const out: Partial<Record<TrainOptionKey, unknown>> = { ...defaults };
  for (const k of keys) {
    const raw = args.values[TRAIN_OPTION_SPECS[k].flag];
    if (raw !== undefined) out[k] = parseValue(trainOptionSpec(k), raw);
  }
  return out as Partial<TrainOptions>;
}
