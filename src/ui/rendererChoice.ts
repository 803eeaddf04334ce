/**
 * The splat backend the page asks for: `?renderer=webgl2` (or webgpu, auto) in the address, for
 * people whose WebGPU misbehaves and for tests of the fallback. Default 'auto'.
 */
import type { RendererBackend } from '../render/splatRenderer.ts';

export type RendererChoice = 'auto' | RendererBackend;

const CHOICES: readonly RendererChoice[] = ['auto', 'webgpu', 'webgl2'];

/** The choice in a query string, and a message when the value is not one. */
export function rendererChoice(search: string): { choice: RendererChoice; problem: string | null } {
  const raw = new URLSearchParams(search).get('renderer');
  if (raw === null || raw === '') return { choice: 'auto', problem: null };
  const v = raw.trim().toLowerCase() as RendererChoice;
  if (CHOICES.includes(v)) return { choice: v, problem: null };
  return { choice: 'auto', problem: `?renderer=${raw} is not a splat renderer; use auto, webgpu or webgl2. Using auto.` };
}
