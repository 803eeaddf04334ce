/** Node-only FileSource over a folder on disk (CLI, tests, benchmarks). */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { FileSource } from '../io/fileSource.ts';
import { normalizePath } from '../io/fileSource.ts';

export function fsSource(dir: string): FileSource {
  return {
    label: dir,
    async read(path) {
      try {
        return new Uint8Array(await readFile(join(dir, normalizePath(path))));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new InputError(`missing file "${path}"`, { file: dir });
        throw new InputError(`cannot read "${path}" (${code ?? (e as Error).message})`, { file: dir });
      }
    },
    async list() {
      const out: string[] = [];
      async function walk(d: string) {
        for (const ent of await readdir(d, { withFileTypes: true })) {
          const p = join(d, ent.name);
          if (ent.isDirectory()) await walk(p);
          else out.push(normalizePath(relative(dir, p)));
        }
      }
      await walk(dir);
      return out;
    },
  };
}
