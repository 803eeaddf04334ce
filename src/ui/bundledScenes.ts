/**
 * The scenes that ship with the app: `/scenes/index.json` lists them, the first is the default.
 * Entry: { name, title, description, path }, `path` being the scene folder relative to /scenes/.
 */
import { InputError } from '../core/errors.ts';

export interface BundledScene {
  name: string;
  title: string;
  description: string;
  /** Absolute URL of the scene folder, ending with "/". */
  url: string;
}

export const SCENES_INDEX_URL = '/scenes/index.json';

export async function fetchBundledScenes(indexUrl = SCENES_INDEX_URL): Promise<BundledScene[]> {
  const abs = new URL(indexUrl, location.href);
  let json: unknown;
  try {
    const res = await fetch(abs);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    json = await res.json();
  } catch (e) {
    throw new InputError(`could not load the list of bundled scenes (${(e as Error).message}). Open your own photos instead.`, {
      file: indexUrl,
    });
  }
  if (!Array.isArray(json)) throw new InputError('expected a list of scenes', { file: indexUrl });
  return json.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || !e.name)
      throw new InputError('is missing', { file: indexUrl, field: `[${i}].name` });
    // `path` is relative to /scenes/ ("lego" or "lego/"); accept "scenes/lego" too.
    const path = (typeof e.path === 'string' && e.path ? e.path : e.name).replace(/^\.?\//, '').replace(/^scenes\//, '');
    return {
      name: e.name,
      title: typeof e.title === 'string' && e.title ? e.title : e.name,
      description: typeof e.description === 'string' ? e.description : '',
      url: new URL(path.endsWith('/') ? path : path + '/', abs).href,
    };
  });
}
