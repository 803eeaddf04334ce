/**
 * The golden-image check both viewer backends' golden tests share (renderGolden.test.ts for
 * WebGPU, webgl2Golden.test.ts for WebGL2): the frame against the committed PNG at
 * `${dir}/${view.name}.png` (RGB), every channel within GOLDEN_CHANNEL_TOLERANCE on at least
 * GOLDEN_MIN_MATCHING of the pixels. With VITE_GOLDEN_UPDATE=1 (`npm run golden:update`) the PNG
 * is rewritten from this frame first; a missing PNG is a failure that says how to create it.
 * Paths are resolved by vitest's browser commands from the project root.
 */
import { commands } from 'vitest/browser';
import { expect } from 'vitest';
import { decodeImage } from '../../src/core/image.ts';
import { encodeRgbPng } from '../../src/scenegen/compactPng.ts';
import { compareToGolden, GOLDEN_CHANNEL_TOLERANCE, GOLDEN_MIN_MATCHING, type GoldenView } from '../render/goldenScene.ts';

const UPDATE = import.meta.env.VITE_GOLDEN_UPDATE === '1';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export async function expectMatchesGolden(dir: string, view: GoldenView, pixels: Uint8Array): Promise<void> {
  const { width, height } = view.camera;
  const path = `${dir}/${view.name}.png`;
  if (UPDATE) {
    await commands.writeFile(path, toBase64(encodeRgbPng(width, height, pixels)), 'base64');
    console.log(`golden image written: ${path}`);
  }
  let stored: string;
  try {
    stored = await commands.readFile(path, 'base64');
  } catch (e) {
    throw new Error(`${path} is missing (${(e as Error).message}); create it on purpose with \`npm run golden:update\``);
  }
  const golden = decodeImage(fromBase64(stored), path);
  expect([golden.width, golden.height]).toEqual([width, height]);
  const { matching, maxDiff } = compareToGolden(pixels, golden.data);
  console.log(`${view.name}: ${(100 * matching).toFixed(2)}% of pixels within ${GOLDEN_CHANNEL_TOLERANCE}/255, max diff ${maxDiff}/255`);
  expect(matching).toBeGreaterThanOrEqual(GOLDEN_MIN_MATCHING);
}
