/**
 * Where a scene folder's files come from: the disk (CLI, tests), a dropped folder or zip (app),
 * or a URL prefix (bundled scenes). Paths are relative, with forward slashes.
 */
import { InputError } from '../core/errors.ts';
import { unzipChecked } from './unzip.ts';

export interface FileSource {
  /** Shown in messages, e.g. the folder path or the zip's name. */
  readonly label: string;
  /** Reads one file; throws InputError naming the path when it does not exist. */
  read(path: string): Promise<Uint8Array>;
  /** Every file path known to the source, when it can list them (zip, drop, disk). */
  list?(): Promise<string[]>;
}

export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

/** A source over files already in memory (a dropped folder, an unzipped archive, tests). */
export function memorySource(label: string, files: Map<string, Uint8Array>): FileSource {
  const byPath = new Map<string, Uint8Array>();
  for (const [k, v] of files) byPath.set(normalizePath(k), v);
  return {
    label,
    async read(path) {
      const data = byPath.get(normalizePath(path));
      if (!data) throw new InputError(`missing file "${path}"`, { file: label });
      return data;
    },
    async list() {
      return [...byPath.keys()];
    },
  };
}

/**
 * A source over a zip archive. When every entry shares one top folder (a zipped folder),
 * that folder is stripped so scene.json is found at the root.
 */
export function zipSource(label: string, zipBytes: Uint8Array): FileSource {
  const entries = unzipChecked(zipBytes, label);
  const files = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(entries)) if (!k.endsWith('/') && !k.startsWith('__MACOSX/')) files.set(normalizePath(k), v);
  return memorySource(label, stripCommonFolder(files));
}

/** If all paths start with the same "folder/", drop it (so "lego/scene.json" becomes "scene.json"). */
export function stripCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const paths = [...files.keys()];
  if (paths.length === 0 || paths.some((p) => p === 'scene.json')) return files;
  const first = paths[0].split('/')[0];
  if (!paths.every((p) => p.startsWith(first + '/'))) return files;
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of files) out.set(k.slice(first.length + 1), v);
  return out;
}

/** A source over a URL prefix (bundled scenes served by the app). */
export function urlSource(baseUrl: string, fetchImpl: typeof fetch = fetch): FileSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return {
    label: base,
    async read(path) {
      let res: Response;
      try {
        res = await fetchImpl(base + normalizePath(path));
      } catch (e) {
        throw new InputError(`could not fetch "${path}" (${(e as Error).message})`, { file: base });
      }
      if (!res.ok) throw new InputError(`could not fetch "${path}" (HTTP ${res.status})`, { file: base });
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
