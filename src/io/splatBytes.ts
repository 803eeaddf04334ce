/**
 * Byte quantisation shared by the compact splat formats (.splat and .spz): rounding the way the
 * reference C++ encoders do (half away from zero), and opacity <-> 8-bit alpha.
 * An alpha byte of 0 or 255 means opacity 0 or 1, whose logit is infinite; decoding clamps the
 * opacity a quarter of a step inside (0, 1), so the logit stays finite (|logit| <= 6.93) and
 * re-encoding gives the same byte back.
 */
import { logit } from '../core/gaussianCloud.ts';

/** std::round: halves go away from zero (Math.round sends -2.5 to -2). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Nearest integer in 0..255; NaN becomes 0. */
export function toByte(x: number): number {
  const r = roundHalfAway(x);
  return r > 255 ? 255 : r > 0 ? r : 0;
}

const ALPHA_EDGE = 0.25 / 255;

export function alphaByteToLogit(byte: number): number {
  return logit(Math.min(Math.max(byte / 255, ALPHA_EDGE), 1 - ALPHA_EDGE));
}

export function logitToAlphaByte(logit: number): number {
  return toByte(255 / (1 + Math.exp(-logit)));
}
