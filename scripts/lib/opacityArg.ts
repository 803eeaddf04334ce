/**
 * The --min-opacity flag of `npm run stream` and `npm run bench:codec`: an opacity written as a
 * number 0..1 or as k/255 (how the encoder's default, 6/255, is written).
 */
import { InputError } from '../../src/core/errors.ts';

/** "0.02" or "6/255" -> an opacity 0..1. */
export function parseOpacity(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\/255$/.exec(text);
  const v = m ? Number(m[1]) / 255 : Number(text);
  if (!(v >= 0 && v <= 1)) throw new InputError(`--min-opacity must be a number from 0 to 1 or k/255, got "${text}"`);
  return v;
}

/** An opacity as k/255 when it is one, else as a number. */
export const opacityText = (v: number): string => (Math.abs(v * 255 - Math.round(v * 255)) < 1e-9 ? `${Math.round(v * 255)}/255` : String(v));
