/**
 * Seeded damage for fuzzing the readers: byte-level (truncation, flips, inserted, deleted or
 * repeated runs, special 32-bit values, half of them in the header where parsing decisions are
 * made), text-level for line formats (COLMAP), and structure-level for JSON (a value anywhere in
 * the tree replaced by another type, a huge number, a deep nest or a long array), since byte flips
 * in JSON almost always stop at JSON.parse and never reach the validators behind it.
 * Every function takes its random source, so (seed, index) reproduces an input exactly.
 */
export type Random = () => number;

/** 32-bit values that break size fields: huge, negative as i32, NaN/Inf as f32, zero, one. */
export const SPECIAL_U32 = [0xffffffff, 0x80000000, 0x7fffffff, 1e9, 0, 1, 0x7fc00000, 0x7f800000, 0xff800000, 0x10000];

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export function mutateBytes(src: Uint8Array, r: Random, hotLen: number): { bytes: Uint8Array; kind: string } {
  const at = (len: number) => Math.floor(r() * (r() < 0.5 ? Math.min(hotLen, len) : len));
  const kind = Math.floor(r() * 7);
  let bytes: Uint8Array = src.slice();
  if (kind === 0) bytes = bytes.slice(0, at(bytes.length));
  else if (kind === 1) {
    for (let k = 0, m = 1 + Math.floor(r() * 8); k < m && bytes.length; k++) bytes[at(bytes.length)] = Math.floor(r() * 256);
  } else if (kind === 2) {
    const p = at(bytes.length + 1);
    const extra = Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    bytes = concat(bytes.subarray(0, p), extra, bytes.subarray(p));
  } else if (kind === 3) {
    const p = at(bytes.length);
    bytes = concat(bytes.subarray(0, p), bytes.subarray(p + 1 + Math.floor(r() * 40)));
  } else if (kind === 4 && bytes.length >= 4) {
    // Aligned and unaligned: size fields sit at both.
    const p = r() < 0.5 ? 4 * Math.floor(at(bytes.length - 3) / 4) : at(bytes.length - 3);
    new DataView(bytes.buffer).setUint32(p, pick(r, SPECIAL_U32) >>> 0, r() < 0.5);
  } else if (kind === 5 && bytes.length > 0) {
    // A run repeated: grows a file without changing its header (lying lengths, repeated chunks).
    const p = at(bytes.length);
    const run = bytes.subarray(p, p + 1 + Math.floor(r() * 64));
    const parts = [bytes.subarray(0, p)];
    for (let k = 0, m = 1 + Math.floor(r() * 6); k < m; k++) parts.push(run);
    parts.push(bytes.subarray(p));
    bytes = concat(...parts);
  } else {
    // Both ends: cut the front as well (a file read from the middle).
    const a = at(bytes.length);
    bytes = bytes.slice(Math.min(a, 16), Math.max(a, bytes.length - Math.floor(r() * 64)));
  }
  return { bytes, kind: ['truncate', 'flip', 'insert', 'delete', 'special', 'repeat', 'slice'][kind] };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

const WEIRD_TOKENS = ['', '-', 'nan', 'NaN', 'inf', '-inf', '1e309', '-0', '0', '1e-320', '99999999999999999999', '0x10', '1.5', '-1', '#', '\t', 'PINHOLE', 'OPENCV', 'FISHEYE'];

/** Line formats: lines dropped, duplicated, swapped; tokens replaced by odd numbers or words. */
export function mutateText(src: Uint8Array, r: Random): { bytes: Uint8Array; kind: string } {
  const lines = dec.decode(src).split('\n');
  const kind = Math.floor(r() * 4);
  const li = Math.floor(r() * lines.length);
  if (kind === 0) lines.splice(li, 1 + Math.floor(r() * 3));
  else if (kind === 1) lines.splice(li, 0, ...Array.from({ length: 1 + Math.floor(r() * 20) }, () => lines[li]));
  else if (kind === 2) {
    for (let k = 0, m = 1 + Math.floor(r() * 4); k < m; k++) {
      const j = Math.floor(r() * lines.length);
      const toks = lines[j].split(' ');
      toks[Math.floor(r() * toks.length)] = pick(r, WEIRD_TOKENS);
      lines[j] = toks.join(' ');
    }
  } else {
    const j = Math.floor(r() * lines.length);
    [lines[li], lines[j]] = [lines[j], lines[li]];
  }
  return { bytes: enc.encode(lines.join('\n')), kind: ['drop-lines', 'repeat-line', 'token', 'swap-lines'][kind] };
}

const WEIRD_VALUES: unknown[] = [null, true, 0, -1, 1e308, -1e308, 5e-324, 0.5, 'x', '', '../../etc/passwd', '<img src=x onerror=alert(1)>', [], {}, [1, 2, 3], { a: 1 }];

function randomValue(r: Random, depth = 0): unknown {
  const k = Math.floor(r() * 6);
  if (k === 0 && depth < 3) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  if (k === 1 && depth < 3) return { [pick(r, ['id', 'R', 't', 'fx', 'frames', 'views', 'x'])]: randomValue(r, depth + 1) };
  if (k === 2) return Math.floor(r() * 2 ** 31) * (r() < 0.5 ? -1 : 1);
  if (k === 3) return Array.from({ length: 100 + Math.floor(r() * 5000) }, () => 1); // long arrays
  return pick(r, WEIRD_VALUES);
}

/** Every [container, key] in the tree, so one can be replaced. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([v as Record<string, unknown>, k]), slots(x, out);
  return out;
}

/** JSON: one to three values replaced, keys deleted, arrays emptied, or the tree nested deep. */
export function mutateJson(src: Uint8Array, r: Random): { bytes: Uint8Array; kind: string } {
  const tree = JSON.parse(dec.decode(src)) as unknown;
  const kind = Math.floor(r() * 4);
  let out: unknown = tree;
  const all = slots(tree);
  if (kind === 3) {
    // Deep nesting (a stack-overflow probe for recursive validators), written as text: too deep
    // for JSON.stringify itself.
    const n = 1000 + Math.floor(r() * 20000);
    const deep = '['.repeat(n) + JSON.stringify(tree) + ']'.repeat(n);
    const text = r() < 0.5 ? deep : JSON.stringify({ ...(tree as object), views: 0, frames: 0 }).replace(/"(views|frames)":0/g, `"$1":${deep}`);
    return { bytes: enc.encode(text), kind: 'nest' };
  } else
    for (let k = 0, m = 1 + Math.floor(r() * 3); k < m && all.length; k++) {
      const [obj, key] = pick(r, all);
      if (kind === 0) (obj as Record<string | number, unknown>)[key] = randomValue(r);
      else if (kind === 1) {
        if (Array.isArray(obj)) obj.splice(key as number, 1);
        else delete obj[key as string];
      } else {
        const v = (obj as Record<string | number, unknown>)[key];
        (obj as Record<string | number, unknown>)[key] = Array.isArray(v) ? [] : typeof v === 'number' ? pick(r, [NaN, -v, v * 1e12, 0]) : typeof v === 'string' ? v.repeat(Math.max(2, Math.floor(200_000 / (v.length + 1)))) : null; // long strings, about 200 KB
      }
    }
  return { bytes: enc.encode(JSON.stringify(out)), kind: ['replace', 'delete', 'degenerate', 'nest'][kind] };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}
