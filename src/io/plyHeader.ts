/**
 * The text header of a PLY file (any PLY, not only Gaussian splats): format, elements and their
 * properties, and where the body starts. Everything a reader needs to locate one element's data
 * without trusting the counts: the body readers check counts against the bytes that follow.
 */
import { InputError } from '../core/errors.ts';

export type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';
export type PlyScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface PlyProperty {
  name: string;
  type: PlyScalarType;
  /** For `property list <countType> <itemType> name`: type is the item type. */
  listCountType?: PlyScalarType;
}

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export interface PlyHeader {
  format: PlyFormat;
  elements: PlyElement[];
  comments: string[];
  /** Byte offset of the first body byte (just after "end_header" and its line break). */
  bodyOffset: number;
}

/** Both the spec's names and the sized aliases (which most writers, 3DGS included, use). */
const TYPE_NAMES: Record<string, PlyScalarType> = {
  char: 'int8', int8: 'int8',
  uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16',
  ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32',
  uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32',
  double: 'float64', float64: 'float64',
};

export const PLY_TYPE_SIZE: Record<PlyScalarType, number> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};

/** A 3DGS header is ~1.5 KB; a file without end_header this early is not a PLY we can read. */
const MAX_HEADER_BYTES = 64 * 1024;
/**
 * More than any splat scene anyone trains (10^8 splats is ~25 GB of float32); rejecting earlier
 * gives a clear message instead of an allocation failure on a corrupted count.
 */
export const MAX_PLY_ELEMENT_COUNT = 100_000_000;

export function parsePlyHeader(bytes: Uint8Array, file = 'file.ply'): PlyHeader {
  const fail = (msg: string): never => {
    throw new InputError(msg, { file });
  };
  const magic = latin1(bytes.subarray(0, 4));
  if (!(magic === 'ply\n' || (magic === 'ply\r' && bytes[4] === 0x0a))) {
    fail('not a PLY file (it does not start with "ply"). Export the splats as a 3D Gaussian Splatting .ply.');
  }
  const end = findHeaderEnd(bytes);
  if (end < 0) {
    fail(
      bytes.length < MAX_HEADER_BYTES
        ? 'truncated: the file ends before "end_header". The file is incomplete (an interrupted download or copy): download, copy or export it again'
        : `no "end_header" in the first ${MAX_HEADER_BYTES / 1024} KB: not a PLY file, or a damaged header`,
    );
  }
  const lines = latin1(bytes.subarray(0, end))
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trim());
  let format: PlyFormat | null = null;
  const elements: PlyElement[] = [];
  const comments: string[] = [];
  // Line 0 is "ply"; the last line is "end_header".
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li];
    const where = `header line ${li + 1}`;
    if (line === '' || line === 'end_header') continue;
    const words = line.split(/\s+/);
    switch (words[0]) {
      case 'format': {
        if (format) fail(`${where}: a second "format" line`);
        if (words[2] !== '1.0') fail(`${where}: unsupported PLY version "${words[2] ?? ''}" (only 1.0 exists)`);
        if (words[1] !== 'ascii' && words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian') {
          fail(`${where}: unknown format "${words[1] ?? ''}" (expected ascii, binary_little_endian or binary_big_endian)`);
        }
        format = words[1] as PlyFormat;
        break;
      }
      case 'comment':
      case 'obj_info':
        comments.push(line.slice(words[0].length).trim());
        break;
      case 'element': {
        if (words.length !== 3) fail(`${where}: expected "element <name> <count>", got "${clip(line)}"`);
        if (!/^\d+$/.test(words[2])) fail(`${where}: element "${clip(words[1])}" has a bad count "${clip(words[2])}"`);
        const count = Number(words[2]);
        if (count > MAX_PLY_ELEMENT_COUNT) {
          fail(`${where}: element "${clip(words[1])}" declares ${clip(words[2])} entries, more than the ${MAX_PLY_ELEMENT_COUNT} this reader accepts (damaged header?)`);
        }
        if (elements.some((e) => e.name === words[1])) fail(`${where}: a second element named "${clip(words[1])}"`);
        elements.push({ name: words[1], count, properties: [] });
        break;
      }
      case 'property': {
        const element = elements[elements.length - 1];
        if (!element) fail(`${where}: "property" before any "element"`);
        let prop: PlyProperty;
        if (words[1] === 'list') {
          if (words.length !== 5) fail(`${where}: expected "property list <count type> <item type> <name>", got "${clip(line)}"`);
          prop = { name: words[4], type: typeOf(words[3], where, fail), listCountType: typeOf(words[2], where, fail) };
          if (prop.listCountType === 'float32' || prop.listCountType === 'float64') fail(`${where}: a list count must be an integer type`);
        } else {
          if (words.length !== 3) fail(`${where}: expected "property <type> <name>", got "${clip(line)}"`);
          prop = { name: words[2], type: typeOf(words[1], where, fail) };
        }
        if (element!.properties.some((p) => p.name === prop.name)) fail(`${where}: element "${element!.name}" has two properties named "${clip(prop.name)}"`);
        element!.properties.push(prop);
        break;
      }
      default:
        fail(`${where}: unexpected "${clip(line)}"`);
    }
  }
  if (!format) fail('the header has no "format" line');
  return { format: format!, elements, comments, bodyOffset: end };
}

/** Offset just past "end_header\n" (or "\r\n"), or -1. */
function findHeaderEnd(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  const text = latin1(bytes.subarray(0, limit));
  const re = /(^|\n)end_header[ \t]*\r?\n/g;
  const m = re.exec(text);
  return m ? m.index + m[0].length : -1;
}

function typeOf(name: string, where: string, fail: (msg: string) => never): PlyScalarType {
  const t = TYPE_NAMES[name];
  if (!t) fail(`${where}: unknown property type "${clip(name)}"`);
  return t;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Damaged headers can hold any bytes; keep messages short and printable. */
function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}...` : printable;
}
