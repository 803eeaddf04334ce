/** The bundled procedural objects, in the order of scenes/index.json (the first is the app's default). */
import type { SceneObject } from '../sceneObject.ts';
import { buildPatternedCube } from './patternedCube.ts';
import { buildPebbles } from './pebbles.ts';
import { buildStool } from './stool.ts';

export const OBJECT_BUILDERS: readonly { name: string; build: () => SceneObject }[] = [
  { name: 'pebbles', build: () => buildPebbles() },
  { name: 'patterned-cube', build: () => buildPatternedCube() },
  { name: 'stool', build: () => buildStool() },
];

export function objectNames(): string[] {
  return OBJECT_BUILDERS.map((b) => b.name);
}

export function buildObject(name: string): SceneObject {
  const b = OBJECT_BUILDERS.find((x) => x.name === name);
  if (!b) throw new Error(`unknown scene "${name}"; known: ${objectNames().join(', ')}`);
  return b.build();
}
