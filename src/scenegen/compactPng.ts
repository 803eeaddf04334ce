/**
 * A small PNG encoder that compresses well: per-row adaptive filtering (the filter with the
 * smallest sum of absolute residuals, as libpng does) and deflate level 9. fast-png, used by
 * core/image.ts, writes unfiltered rows, which makes smooth renders 2-3x larger.
 * Output decodes with any PNG reader (including decodeImage). Deterministic.
 */
import { zlibSync } from 'fflate';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filtered scanlines: each row is a filter byte followed by the filtered bytes. */
function filterRows(data: ArrayLike<number>, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const cand = [0, 1, 2, 3, 4].map(() => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = y * stride, prev = row - stride;
    let bestF = 0, bestScore = Infinity;
    for (let f = 0; f < 5; f++) {
      const buf = cand[f];
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const x = data[row + i];
        const a = i >= bpp ? data[row + i - bpp] : 0;
        const b = y > 0 ? data[prev + i] : 0;
        const c = y > 0 && i >= bpp ? data[prev + i - bpp] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const r = (x - pred) & 0xff;
        buf[i] = r;
        score += r < 128 ? r : 256 - r;
      }
      if (score < bestScore) { bestScore = score; bestF = f; }
    }
    const o = y * (stride + 1);
    out[o] = bestF;
    out.set(cand[bestF], o + 1);
  }
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out, 4, 8 + body.length));
  return out;
}

/**
 * Encodes 8-bit pixels as PNG. `channels`: 1 grey, 3 RGB, 4 RGBA; `data` holds
 * width * height * channels bytes, row-major from the top-left.
 */
export function encodePngCompact(width: number, height: number, channels: 1 | 3 | 4, data: ArrayLike<number>): Uint8Array {
  if (data.length !== width * height * channels)
    throw new Error(`encodePngCompact: expected ${width * height * channels} bytes, got ${data.length}`);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6; // colour type
  const idat = zlibSync(filterRows(data, width, height, channels), { level: 9 });
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** RGBA8 pixels -> RGB PNG (the alpha channel is dropped: rendered views are opaque). */
export function encodeRgbPng(width: number, height: number, rgba: ArrayLike<number>): Uint8Array {
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return encodePngCompact(width, height, 3, rgb);
}
