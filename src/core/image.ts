/**
 * RGBA8 images and PNG/JPEG decoding that works the same in Node, workers and the page.
 * Values are the sRGB bytes stored in the file (training and metrics use them as they are).
 */
import { decode as decodePngRaw, encode as encodePngRaw, convertIndexedToRgb } from 'fast-png';
import jpeg from 'jpeg-js';
import { InputError } from './errors.ts';

export interface RGBAImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major from the top-left. */
  data: Uint8ClampedArray;
}

/** Largest image we accept (pixels): 8K x 8K. Bigger files are refused before decoding. */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

export type ImageFormat = 'png' | 'jpeg';

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

export function createImage(width: number, height: number): RGBAImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/**
 * Decodes a PNG or JPEG file into RGBA8. Throws InputError naming the file when the bytes are
 * not an image we can read, are corrupt or truncated, or are absurdly large.
 */
export function decodeImage(bytes: Uint8Array, fileName = 'image'): RGBAImage {
  const format = sniffImageFormat(bytes);
  if (!format)
    throw new InputError('not a PNG or JPEG image. Export the photo as PNG or JPEG and try again.', {
      file: fileName,
    });
  try {
    return format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, { file: fileName });
    const detail = e instanceof Error ? e.message : String(e);
    throw new InputError(
      `the ${format.toUpperCase()} file is corrupt or truncated (${detail}). Re-export or re-download it.`,
      { file: fileName },
    );
  }
}

function checkSize(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new InputError(`image has no pixels (${width}x${height}).`);
  if (width * height > MAX_IMAGE_PIXELS)
    throw new InputError(`image is ${width}x${height}; the limit is 8192x8192 pixels. Downscale it first.`);
}

function readPngHeaderSize(bytes: Uint8Array): [number, number] {
  // IHDR is always the first chunk: width and height are big-endian u32 at offsets 16 and 20.
  if (bytes.length < 24) throw new Error('file ends inside the PNG header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [dv.getUint32(16), dv.getUint32(20)];
}

/** Deflate's largest expansion (see src/io/unzip.ts), for the PNG plausibility check. */
const DEFLATE_MAX_RATIO = 1032;

/**
 * The decoder allocates the whole image at the size the header states before it finds the data
 * missing, so a 90-byte PNG claiming 8000x6000 pixels would cost 200 MB. Refused first: the
 * image data (IDAT chunks) cannot inflate to more than 1032 times its size.
 */
function checkPngDataSize(bytes: Uint8Array, width: number, height: number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bitDepth = bytes[24];
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]] ?? 1;
  const rawBytes = height * Math.ceil((width * channels * bitDepth) / 8);
  let idat = 0;
  for (let o = 8; o + 8 <= bytes.length; ) {
    const len = dv.getUint32(o);
    if (bytes[o + 4] === 0x49 && bytes[o + 5] === 0x44 && bytes[o + 6] === 0x41 && bytes[o + 7] === 0x54) idat += Math.min(len, bytes.length - o - 8);
    o += 12 + len;
  }
  if (rawBytes > idat * DEFLATE_MAX_RATIO + 1024)
    throw new InputError(`the header says ${width}x${height} pixels but the file holds only ${idat} bytes of image data (truncated or damaged). Re-export or re-download it.`);
}

/** Width and height from a JPEG's start-of-frame segment, or null when none is found. */
function readJpegSize(bytes: Uint8Array): [number, number] | null {
  for (let o = 2; o + 9 < bytes.length; ) {
    if (bytes[o] !== 0xff) return null;
    const marker = bytes[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    const len = (bytes[o + 2] << 8) | bytes[o + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return [(bytes[o + 7] << 8) | bytes[o + 8], (bytes[o + 5] << 8) | bytes[o + 6]];
    if (marker === 0xda) return null;
    o += 2 + len;
  }
  return null;
}

/**
 * Every 8x8 luma block of a JPEG costs at least one bit (its DC coefficient), so a file of n
 * bytes holds at most 512 n pixels (counted at 1024 n to be generous). jpeg-js allocates the
 * image at the size the frame header states before decoding, so a header that lies is refused
 * here, keeping memory proportional to the file.
 */
function checkJpegDataSize(bytes: Uint8Array): void {
  const size = readJpegSize(bytes);
  if (!size) return;
  const [w, h] = size;
  checkSize(w, h);
  if (w * h > bytes.length * 1024)
    throw new InputError(`the header says ${w}x${h} pixels but the file is only ${bytes.length} bytes (truncated or damaged). Re-export or re-download it.`);
}

function decodePng(bytes: Uint8Array): RGBAImage {
  const [w, h] = readPngHeaderSize(bytes);
  checkSize(w, h);
  checkPngDataSize(bytes, w, h);
  const png = decodePngRaw(bytes);
  const { width, height } = png;
  let src: ArrayLike<number> = png.data;
  let channels = png.channels;
  let depth: number = png.depth;
  if (png.palette) {
    src = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    depth = 8;
  }
  const n = width * height;
  if (src.length < n * channels) throw new Error('pixel data is shorter than the header says');
  const out = createImage(width, height);
  const d = out.data;
  // Fast paths for the common 8-bit RGB(A) photos; the general loop handles grey, 16-bit, <8-bit.
  if (depth === 8 && channels === 4) {
    d.set(src as Uint8Array);
    return out;
  }
  if (depth === 8 && channels === 3) {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += 3, o += 4) {
      d[o] = src[s];
      d[o + 1] = src[s + 1];
      d[o + 2] = src[s + 2];
      d[o + 3] = 255;
    }
    return out;
  }
  const shift = depth === 16 ? 8 : 0;
  const maxIn = depth < 8 ? (1 << depth) - 1 : 0;
  const conv = (x: number) => (maxIn ? Math.round((x * 255) / maxIn) : x >> shift);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    if (channels >= 3) {
      d[i * 4] = conv(src[s]);
      d[i * 4 + 1] = conv(src[s + 1]);
      d[i * 4 + 2] = conv(src[s + 2]);
      d[i * 4 + 3] = channels === 4 ? conv(src[s + 3]) : 255;
    } else {
      d[i * 4] = d[i * 4 + 1] = d[i * 4 + 2] = conv(src[s]);
      d[i * 4 + 3] = channels === 2 ? conv(src[s + 1]) : 255;
    }
  }
  return out;
}

function decodeJpeg(bytes: Uint8Array): RGBAImage {
  checkJpegDataSize(bytes);
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  checkSize(img.width, img.height);
  return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
}

/** Encodes RGBA8 as PNG (lossless; used for generated scenes, renders, masks). */
export function encodePng(img: RGBAImage): Uint8Array {
  return encodePngRaw({ width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), channels: 4, depth: 8 });
}

/** Encodes a single-channel 8-bit image (a mask) as a greyscale PNG. */
export function encodeGreyPng(width: number, height: number, data: Uint8Array): Uint8Array {
  return encodePngRaw({ width, height, data, channels: 1, depth: 8 });
}

/**
 * A mask from an image: from its alpha channel when it has transparency, else from its
 * luminance (black = background), thresholded at 128 as DTU and the papers do. 1 = object.
 */
export function maskFromImage(img: RGBAImage, source: 'alpha' | 'luma' | 'auto' = 'auto'): Uint8Array {
  const n = img.width * img.height;
  const d = img.data;
  let useAlpha = source === 'alpha';
  if (source === 'auto') {
    useAlpha = false;
    for (let i = 0; i < n; i++) if (d[i * 4 + 3] !== 255) { useAlpha = true; break; }
  }
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = useAlpha ? d[i * 4 + 3] : (d[i * 4] + d[i * 4 + 1] + d[i * 4 + 2]) / 3;
    m[i] = v >= 128 ? 1 : 0;
  }
  return m;
}

/** Box-filter downsample by an integer factor (area average, as the papers' 4x DTU and 8x LLFF). */
export function downsampleImage(img: RGBAImage, factor: number): RGBAImage {
  if (factor === 1) return img;
  const w = Math.floor(img.width / factor);
  const h = Math.floor(img.height / factor);
  const out = createImage(w, h);
  const area = factor * factor;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let dy = 0; dy < factor; dy++)
          for (let dx = 0; dx < factor; dx++) s += img.data[((y * factor + dy) * img.width + x * factor + dx) * 4 + c];
        out.data[(y * w + x) * 4 + c] = Math.round(s / area);
      }
  return out;
}

/** Bilinear resize to an arbitrary size (pixel-centre aligned). */
export function resizeImage(img: RGBAImage, width: number, height: number): RGBAImage {
  if (width === img.width && height === img.height) return img;
  const factor = img.width / width;
  if (Number.isInteger(factor) && factor === img.height / height) return downsampleImage(img, factor);
  const out = createImage(width, height);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, img.height - 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, img.width - 1), wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const a = img.data[(y0 * img.width + x0) * 4 + c] * (1 - wx) + img.data[(y0 * img.width + x1) * 4 + c] * wx;
        const b = img.data[(y1 * img.width + x0) * 4 + c] * (1 - wx) + img.data[(y1 * img.width + x1) * 4 + c] * wx;
        out.data[(y * width + x) * 4 + c] = Math.round(a * (1 - wy) + b * wy);
      }
    }
  }
  return out;
}

/**
 * The upright image of a photo whose EXIF Orientation tag is `orientation` (1-8, TIFF/EXIF
 * 2.32): the pixels as a viewer shows them. 1 (or anything unknown) returns the image itself;
 * 5-8 swap width and height.
 */
export function orientImage(img: RGBAImage, orientation: number): RGBAImage {
  if (!(orientation >= 2 && orientation <= 8)) return img;
  const { width: w, height: h } = img;
  const swap = orientation >= 5;
  const W = swap ? h : w, H = swap ? w : h;
  const out = createImage(W, H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Source pixel (sx, sy) shown at (x, y).
      let sx: number, sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break; // mirrored horizontally
        case 3: sx = w - 1 - x; sy = h - 1 - y; break; // rotated 180
        case 4: sx = x; sy = h - 1 - y; break; // mirrored vertically
        case 5: sx = y; sy = x; break; // transposed
        case 6: sx = y; sy = h - 1 - x; break; // stored rotated 90 CCW: rotate 90 CW to show
        case 7: sx = w - 1 - y; sy = h - 1 - x; break; // transverse
        default: sx = w - 1 - y; sy = x; break; // 8: stored rotated 90 CW: rotate 90 CCW to show
      }
      const s = (sy * w + sx) * 4, d = (y * W + x) * 4;
      out.data[d] = img.data[s]; out.data[d + 1] = img.data[s + 1]; out.data[d + 2] = img.data[s + 2]; out.data[d + 3] = img.data[s + 3];
    }
  return out;
}
