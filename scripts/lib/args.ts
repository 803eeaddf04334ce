/** Tiny flag parser for the CLI scripts: --name value pairs, unknown flags are errors. */
import { InputError } from '../../src/core/errors.ts';

export interface ParsedArgs {
  values: Record<string, string | undefined>;
  positional: string[];
  help: boolean;
  int(name: string, fallback: number, min: number, max: number): number;
}

export function parseArgs(argv: string[], known: string[]): ParsedArgs {
  const values: Record<string, string | undefined> = {};
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') help = true;
    else if (a.startsWith('--')) {
      const name = a.slice(2);
      if (!known.includes(name)) throw new InputError(`unknown option ${a} (known: ${known.map((k) => '--' + k).join(' ')})`);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new InputError(`${a} needs a value`);
      values[name] = v;
    } else positional.push(a);
  }
  return {
    values, positional, help,
    int(name, fallback, min, max) {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return n;
    },
  };
}

export function parseSize(s: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m) throw new InputError(`--size must look like 400x300, got "${s}"`);
  const width = Number(m[1]), height = Number(m[2]);
  if (width < 16 || height < 16 || width > 4096 || height > 4096) throw new InputError(`--size ${s}: width and height must be 16..4096`);
  return { width, height };
}
