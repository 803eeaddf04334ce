/** Train/test roles of views under a named split ("3", "9"), for display. */
import type { SceneManifest } from '../io/sceneFormat.ts';

export type ViewRole = 'train' | 'test' | 'unused' | 'none';

/** Split names in a sensible order ("3" before "9" before "12"). */
export function splitNames(m: SceneManifest): string[] {
  return Object.keys(m.splits).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** The split shown first: "3" (the sparsest protocol) when present. */
export function defaultSplit(m: SceneManifest): string | null {
  const names = splitNames(m);
  return names.includes('3') ? '3' : (names[0] ?? null);
}

export function viewRoles(m: SceneManifest, split: string | null): Map<string, ViewRole> {
  const s = split ? m.splits[split] : undefined;
  const train = new Set(s?.train);
  const test = new Set(s?.test);
  return new Map(
    m.views.map((v) => [v.id, !s ? 'none' : train.has(v.id) ? 'train' : test.has(v.id) ? 'test' : 'unused'] as const),
  );
}
