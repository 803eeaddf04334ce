/**
 * Turns what the browser hands us (a file input's FileList, a drop's DataTransfer) into
 * { name, bytes } with paths relative to what was picked, so folders keep their structure.
 */
import type { DroppedFile } from '../recon/ingest.ts';

/** From a file input (plain, or a folder picker with webkitdirectory). */
export async function readFileList(files: FileList | File[]): Promise<DroppedFile[]> {
  return Promise.all(
    [...files].map(async (f) => ({ name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/**
 * From a drop: walks dropped folders (webkitGetAsEntry) so a scene folder arrives whole.
 * Falls back to the plain file list where entries are not available.
 */
export async function readDataTransfer(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...dt.items]
    .filter((it) => it.kind === 'file')
    .map((it) => it.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return readFileList(dt.files);
  const files: { path: string; file: File }[] = [];
  for (const entry of entries) await walk(entry, '', files);
  return Promise.all(files.map(async ({ path, file }) => ({ name: path, bytes: new Uint8Array(await file.arrayBuffer()) })));
}

async function walk(entry: FileSystemEntry, prefix: string, out: { path: string; file: File }[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path + '/', out);
    }
  }
}
