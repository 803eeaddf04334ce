/**
 * Chunk blend with its constants: ALPHA_MIN, ALPHA_MAX and T_MIN come from the projection
 * constants of src/core/cloud/projection.ts (ALPHA_MAX as ALPHA_MAX_F32, the largest f32 below
 * 0.99), written as exact f32 literals, so the trainer's kernels, the viewer and the CPU
 * references cannot disagree on them. Compose BLEND_WGSL wherever blend.wgsl is needed.
 */
import { ALPHA_MAX_F32, ALPHA_MIN, T_MIN } from '../../../core/gaussianCloud.ts';
import { composeWgsl } from '../../pipelines.ts';
import blend from './blend.wgsl?raw';

/** A WGSL literal holding exactly Math.fround(x) (shortest decimal that parses back to it). */
export function wgslF32(x: number): string {
  const s = String(Math.fround(x));
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export const BLEND_CONSTANTS_WGSL = [
  '// Blend constants, from src/core/cloud/projection.ts (chunks/blend.ts).',
  `const ALPHA_MIN: f32 = ${wgslF32(ALPHA_MIN)};`,
  `const ALPHA_MAX: f32 = ${wgslF32(ALPHA_MAX_F32)};`,
  `const T_MIN: f32 = ${wgslF32(T_MIN)};`,
].join('\n');

export const BLEND_WGSL = composeWgsl(BLEND_CONSTANTS_WGSL, blend);
