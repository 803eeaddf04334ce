/**
 * The 3D Gaussian Splatting .ply: what the reference implementation saves and every splat viewer
 * (SuperSplat, gsplat, Brush, antimatter15/splat, PlayCanvas) reads. One `vertex` element with:
 *   x y z  nx ny nz  f_dc_0..2  f_rest_0..(3(K-1)-1)  opacity  scale_0..2  rot_0..3
 * opacity is a logit, scales are natural logs, rot is (w, x, y, z) unnormalised, and f_rest is
 * channel-major (all red higher-order coefficients, then green, then blue) because 3DGS flattens
 * its (N, 3, K-1) tensor; our GaussianCloud.sh is coefficient-major [k][rgb], so
 *   f_rest[c * (K-1) + (k-1)]  <->  sh[(i*K + k) * 3 + c]   (k >= 1)
 * Reading accepts ASCII and both binary byte orders, any numeric property type, extra properties
 * (skipped) and other elements (skipped); the SH degree follows from the f_rest count.
 * The PLY has no field for the Mip-Splatting 2D filter; a header line `comment antialiased`
 * (ANTIALIASED_COMMENT) carries cloud.antialiased both ways.
 */
import { InputError } from '../core/errors.ts';
import { allocateCloud, assertCloudShape, shCoeffCount, type GaussianCloud } from '../core/gaussianCloud.ts';
import { parsePlyHeader, PLY_TYPE_SIZE, type PlyElement, type PlyHeader, type PlyProperty, type PlyScalarType } from './plyHeader.ts';

export interface ReadPlyOptions {
  /** Name used in error messages. */
  file?: string;
  /** Vertices read so far of the total; called every 64k vertices and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface WritePlyOptions {
  /** Binary is what viewers expect; ASCII is for eyeballing small files. */
  format?: 'binary_little_endian' | 'ascii';
  comments?: string[];
  onProgress?: (done: number, total: number) => void;
}

const PROGRESS_EVERY = 1 << 16;

/** What to do about a PLY that ends too early (said after every "truncated" message). */
export const TRUNCATED_ADVICE = 'The file is incomplete (an interrupted download or copy, or a disk that filled up while it was written): download, copy or export it again';

/** Header comment marking a cloud trained with the Mip-Splatting 2D filter. */
export const ANTIALIASED_COMMENT = 'antialiased';

/** f_rest count for SH degree 0..3. */
const REST_COUNT_TO_DEGREE = new Map([[0, 0], [9, 1], [24, 2], [45, 3]]);

export function plyPropertyNames(shDegree: number): string[] {
  const rest = 3 * (shCoeffCount(shDegree) - 1);
  return [
    'x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2',
    ...Array.from({ length: rest }, (_, j) => `f_rest_${j}`),
    'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3',
  ];
}

export function writePly(cloud: GaussianCloud, opts: WritePlyOptions = {}): Uint8Array {
  assertCloudShape(cloud, 'writePly');
  const { count: n, shDegree } = cloud;
  const K = shCoeffCount(shDegree);
  const names = plyPropertyNames(shDegree);
  const format = opts.format ?? 'binary_little_endian';
  const header = [
    'ply',
    `format ${format} 1.0`,
    ...(cloud.antialiased ? [`comment ${ANTIALIASED_COMMENT}`] : []),
    ...(opts.comments ?? []).map((c) => `comment ${c.replace(/[\r\n]+/g, ' ')}`),
    `element vertex ${n}`,
    ...names.map((p) => `property float ${p}`),
    'end_header',
    '',
  ].join('\n');
  const headerBytes = new TextEncoder().encode(header);
  const record = new Float32Array(names.length);
  const ascii: string[] = [];
  const perVertex = 4 * names.length;
  const out = format === 'ascii' ? null : new Uint8Array(headerBytes.length + n * perVertex);
  const dv = out ? new DataView(out.buffer) : null;
  out?.set(headerBytes);
  for (let i = 0; i < n; i++) {
    fillRecord(cloud, i, K, record);
    for (let j = 0; j < record.length; j++) {
      if (!Number.isFinite(record[j])) throw new Error(`writePly: splat ${i} has a non-finite ${names[j]} (${record[j]}); the file could not be read back`);
    }
    if (dv) {
      const o = headerBytes.length + i * perVertex;
      for (let j = 0; j < record.length; j++) dv.setFloat32(o + 4 * j, record[j], true);
    } else {
      ascii.push(Array.from(record, String).join(' '));
    }
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, n);
  }
  opts.onProgress?.(n, n);
  if (out) return out;
  return new TextEncoder().encode(header + ascii.map((l) => l + '\n').join(''));
}

/** One vertex in file order (names from plyPropertyNames). */
function fillRecord(c: GaussianCloud, i: number, K: number, r: Float32Array): void {
  r[0] = c.means[3 * i];
  r[1] = c.means[3 * i + 1];
  r[2] = c.means[3 * i + 2];
  r[3] = r[4] = r[5] = 0;
  const sh = 3 * K * i;
  r[6] = c.sh[sh];
  r[7] = c.sh[sh + 1];
  r[8] = c.sh[sh + 2];
  let j = 9;
  for (let ch = 0; ch < 3; ch++) for (let k = 1; k < K; k++) r[j++] = c.sh[sh + 3 * k + ch];
  r[j++] = c.opacityLogits[i];
  for (let a = 0; a < 3; a++) r[j++] = c.logScales[3 * i + a];
  for (let a = 0; a < 4; a++) r[j++] = c.quats[4 * i + a];
}

/** Where a vertex property lands in the cloud: array, values per splat, index within a splat. */
interface Sink {
  array: 'means' | 'logScales' | 'quats' | 'opacityLogits' | 'sh';
  stride: number;
  offset: number;
}

export function readPly(data: Uint8Array | ArrayBuffer, opts: ReadPlyOptions = {}): GaussianCloud {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const file = opts.file ?? 'file.ply';
  const fail = (msg: string): never => {
    throw new InputError(/^truncated/.test(msg) ? `${msg}. ${TRUNCATED_ADVICE}` : msg, { file });
  };
  const header = parsePlyHeader(bytes, file);
  const vertexIndex = header.elements.findIndex((e) => e.name === 'vertex');
  if (vertexIndex < 0) fail('no "vertex" element in the header: not a Gaussian splat PLY');
  const vertex = header.elements[vertexIndex];
  const { shDegree, sinks } = planVertex(vertex, fail);
  const K = shCoeffCount(shDegree);
  const n = vertex.count;

  const body = header.format === 'ascii' ? new AsciiBody(bytes, header.bodyOffset, fail) : new BinaryBody(bytes, header, fail);
  for (let e = 0; e < vertexIndex; e++) body.skipElement(header.elements[e]);
  // Checked before any allocation: a corrupted count must not ask for gigabytes.
  body.checkRoom(vertex);

  const cloud = allocateCloud(n, shDegree);
  if (header.comments.some((c) => c === ANTIALIASED_COMMENT)) cloud.antialiased = true;
  const props = vertex.properties;
  const targets = sinks.map((s) => (s ? cloud[s.array] : null));
  for (let i = 0; i < n; i++) {
    body.beginRecord(i, n);
    for (let j = 0; j < props.length; j++) {
      const sink = sinks[j];
      if (!sink) {
        body.skip(props[j]);
        continue;
      }
      const v = Math.fround(body.read(props[j]));
      if (!Number.isFinite(v)) {
        fail(`vertex ${i}: ${props[j].name} is ${describeBad(body.lastText, props[j].type)}; NaN and infinite values are not allowed`);
      }
      targets[j]![i * sink.stride + sink.offset] = v;
    }
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, n);
  }
  opts.onProgress?.(n, n);
  return cloud;
}

function describeBad(text: string | null, type: PlyScalarType): string {
  if (text !== null && Number.isNaN(Number(text))) return `"${text.slice(0, 30)}", not a number`;
  if (text !== null) return `${text.slice(0, 30)} (not representable as float32)`;
  return type === 'float64' ? 'NaN, infinite or beyond float32 range' : 'NaN or infinite';
}

function planVertex(vertex: PlyElement, fail: (msg: string) => never): { shDegree: number; sinks: (Sink | null)[] } {
  const names = new Set(vertex.properties.map((p) => p.name));
  const listProp = vertex.properties.find((p) => p.listCountType);
  if (listProp) fail(`the vertex element has a list property "${listProp.name}": not a Gaussian splat PLY`);
  let restCount = 0;
  while (names.has(`f_rest_${restCount}`)) restCount++;
  const strayRest = [...names].find((p) => /^f_rest_\d+$/.test(p) && Number(p.slice(7)) >= restCount);
  if (strayRest) fail(`f_rest properties are not numbered 0..n-1 (found ${strayRest} but f_rest_${restCount} is missing)`);
  const shDegree = REST_COUNT_TO_DEGREE.get(restCount);
  if (shDegree === undefined) fail(`${restCount} f_rest properties; a Gaussian splat PLY has 0, 9, 24 or 45 (SH degree 0 to 3)`);
  const K = shCoeffCount(shDegree!);
  const required = plyPropertyNames(shDegree!).filter((p) => !['nx', 'ny', 'nz'].includes(p));
  const missing = required.filter((p) => !names.has(p));
  if (missing.length) {
    const hint = names.has('packed_position')
      ? ' This is a compressed PLY (SuperSplat); export or decompress it as a standard 3DGS .ply.'
      : names.has('red') || !names.has('f_dc_0')
        ? ' It looks like a point cloud, not a 3D Gaussian Splatting file.'
        : '';
    fail(`the vertex element lacks ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}.${hint}`);
  }
  const sinkOf = (name: string): Sink | null => {
    const axis = 'xyz'.indexOf(name);
    if (name.length === 1 && axis >= 0) return { array: 'means', stride: 3, offset: axis };
    let m = /^f_dc_([012])$/.exec(name);
    if (m) return { array: 'sh', stride: 3 * K, offset: Number(m[1]) };
    m = /^f_rest_(\d+)$/.exec(name);
    if (m) {
      const j = Number(m[1]);
      const channel = Math.floor(j / (K - 1));
      const k = 1 + (j % (K - 1));
      return { array: 'sh', stride: 3 * K, offset: 3 * k + channel };
    }
    if (name === 'opacity') return { array: 'opacityLogits', stride: 1, offset: 0 };
    m = /^scale_([012])$/.exec(name);
    if (m) return { array: 'logScales', stride: 3, offset: Number(m[1]) };
    m = /^rot_([0-3])$/.exec(name);
    if (m) return { array: 'quats', stride: 4, offset: Number(m[1]) };
    return null;
  };
  return { shDegree: shDegree!, sinks: vertex.properties.map((p) => sinkOf(p.name)) };
}

/** Sequential access to the body; every read is bounds-checked and fails with an InputError. */
interface Body {
  /** Raw text of the last ASCII value (for messages); null for binary. */
  readonly lastText: string | null;
  skipElement(element: PlyElement): void;
  /** Fails unless the rest of the file can hold `element` (a lower bound for ASCII). */
  checkRoom(element: PlyElement): void;
  beginRecord(i: number, n: number): void;
  read(prop: PlyProperty): number;
  skip(prop: PlyProperty): void;
}

class BinaryBody implements Body {
  readonly lastText = null;
  private pos: number;
  private readonly dv: DataView;
  private readonly little: boolean;

  constructor(
    private readonly bytes: Uint8Array,
    header: PlyHeader,
    private readonly fail: (msg: string) => never,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = header.bodyOffset;
    this.little = header.format === 'binary_little_endian';
  }

  private remaining(): number {
    return this.bytes.length - this.pos;
  }

  skipElement(element: PlyElement): void {
    const fixed = fixedRecordSize(element);
    if (fixed !== null) {
      if (element.count * fixed > this.remaining()) this.truncated(element, fixed);
      this.pos += element.count * fixed;
      return;
    }
    for (let i = 0; i < element.count; i++) for (const p of element.properties) this.skip(p);
  }

  checkRoom(element: PlyElement): void {
    const size = fixedRecordSize(element)!;
    if (element.count * size > this.remaining()) this.truncated(element, size);
  }

  private truncated(element: PlyElement, size: number): never {
    return this.fail(
      `truncated: the header declares ${element.count} "${element.name}" entries (${element.count * size} bytes) but only ${Math.max(this.remaining(), 0)} bytes of data follow`,
    );
  }

  beginRecord(): void {}

  read(prop: PlyProperty): number {
    return this.scalar(prop.type);
  }

  skip(prop: PlyProperty): void {
    if (prop.listCountType) {
      const n = this.scalar(prop.listCountType);
      if (!(n >= 0) || n * PLY_TYPE_SIZE[prop.type] > this.remaining()) this.fail(`truncated or damaged list "${prop.name}" (length ${n})`);
      this.pos += n * PLY_TYPE_SIZE[prop.type];
    } else {
      this.need(PLY_TYPE_SIZE[prop.type]);
      this.pos += PLY_TYPE_SIZE[prop.type];
    }
  }

  private need(size: number): void {
    if (size > this.remaining()) this.fail('truncated: the file ends inside the data');
  }

  private scalar(type: PlyScalarType): number {
    this.need(PLY_TYPE_SIZE[type]);
    const { dv, pos, little } = this;
    this.pos += PLY_TYPE_SIZE[type];
    switch (type) {
      case 'float32': return dv.getFloat32(pos, little);
      case 'float64': return dv.getFloat64(pos, little);
      case 'uint8': return dv.getUint8(pos);
      case 'int8': return dv.getInt8(pos);
      case 'uint16': return dv.getUint16(pos, little);
      case 'int16': return dv.getInt16(pos, little);
      case 'uint32': return dv.getUint32(pos, little);
      case 'int32': return dv.getInt32(pos, little);
    }
  }
}

function fixedRecordSize(element: PlyElement): number | null {
  let size = 0;
  for (const p of element.properties) {
    if (p.listCountType) return null;
    size += PLY_TYPE_SIZE[p.type];
  }
  return size;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

class AsciiBody implements Body {
  lastText: string | null = null;
  private record = 0;
  private records = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
    private readonly fail: (msg: string) => never,
  ) {}

  skipElement(element: PlyElement): void {
    if (element.properties.length === 0) return;
    for (let i = 0; i < element.count; i++) {
      this.record = i;
      this.records = element.count;
      for (const p of element.properties) this.skip(p);
    }
  }

  checkRoom(element: PlyElement): void {
    // Shortest possible record: one digit per value, one separator after each.
    const minBytes = element.count * element.properties.length * 2 - 1;
    if (element.count > 0 && minBytes > this.bytes.length - this.pos) {
      this.fail(
        `truncated: the header declares ${element.count} "${element.name}" entries, which need at least ${minBytes} bytes of text, but only ${this.bytes.length - this.pos} follow`,
      );
    }
  }

  beginRecord(i: number, n: number): void {
    this.record = i;
    this.records = n;
  }

  read(): number {
    const text = this.token();
    this.lastText = text;
    // Number() accepts "", "0x1f" and "Infinity"; a PLY value is a decimal number.
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  }

  skip(prop: PlyProperty): void {
    if (!prop.listCountType) {
      this.token();
      return;
    }
    const n = Number(this.token());
    if (!(Number.isInteger(n) && n >= 0 && n <= this.bytes.length - this.pos)) this.fail(`entry ${this.record}: bad list length for "${prop.name}"`);
    for (let k = 0; k < n; k++) this.token();
  }

  private token(): string {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length && isSpace(b[p])) p++;
    const start = p;
    while (p < b.length && !isSpace(b[p])) p++;
    this.pos = p;
    if (start === p) this.fail(`truncated: the file ends at entry ${this.record} of ${this.records}`);
    // Values are short; a huge token is garbage, and decoding it whole would be slow.
    let s = '';
    for (let q = start; q < Math.min(p, start + 64); q++) s += String.fromCharCode(b[q]);
    return p - start > 64 ? `${s}...` : s;
  }
}
