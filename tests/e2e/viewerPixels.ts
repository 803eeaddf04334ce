/**
 * Reading the 3D view's picture in the viewer's end-to-end test: the camera the last splat frame
 * was drawn with (published on the renderer badge), where a point of the data's world lands on
 * the screenshot, and what colour the screenshot has around a pixel.
 */
import { decode as decodePng } from 'fast-png';
import type { Page } from 'playwright-core';
import type { Camera } from '../../src/core/camera.ts';

export interface Shot {
  width: number;
  height: number;
  /** RGB of pixel (x, y), 0..255. */
  at(x: number, y: number): [number, number, number];
}

export function decodeShot(png: Buffer): Shot {
  const img = decodePng(png);
  const ch = img.channels;
  return {
    width: img.width,
    height: img.height,
    at: (x, y) => {
      const k = (Math.floor(y) * img.width + Math.floor(x)) * ch;
      return [img.data[k], img.data[k + 1], img.data[k + 2]];
    },
  };
}

/** Median per channel of the 5x5 pixels around (x, y): thin lines and edges do not sway it. */
export function colourAround(shot: Shot, x: number, y: number): [number, number, number] {
  const rgb: number[][] = [[], [], []];
  for (let dy = -2; dy <= 2; dy++)
    for (let dx = -2; dx <= 2; dx++) shot.at(x + dx, y + dy).forEach((v, c) => rgb[c].push(v));
  return rgb.map((v) => v.sort((a, b) => a - b)[12]) as [number, number, number];
}

/** Pixel position of a world point for an OpenCV camera, and its depth. */
export function project(cam: Camera, p: readonly number[]): { x: number; y: number; depth: number } {
  const R = cam.R;
  const xc = R[0] * p[0] + R[1] * p[1] + R[2] * p[2] + cam.t[0];
  const yc = R[3] * p[0] + R[4] * p[1] + R[5] * p[2] + cam.t[1];
  const zc = R[6] * p[0] + R[7] * p[1] + R[8] * p[2] + cam.t[2];
  return { x: (cam.fx * xc) / zc + cam.cx, y: (cam.fy * yc) / zc + cam.cy, depth: zc };
}

export interface DrawnFrame {
  backend: string;
  fallback: boolean;
  frames: number;
  visibleSplats: number;
  camera: Camera;
}

/** Waits until the splat layer has drawn the cloud shown in the Cloud panel; what it drew with. */
export async function waitForDrawnCloud(page: Page, timeout = 30_000): Promise<DrawnFrame> {
  await page.waitForFunction(
    () => {
      const id = document.querySelector('[data-testid="cloud-shown"]')?.getAttribute('data-id');
      const badge = document.querySelector<HTMLElement>('[data-testid="splat-backend"]');
      return !!id && badge?.dataset.drawnCloud === id;
    },
    null,
    { timeout },
  );
  return page.locator('[data-testid="splat-backend"]').evaluate((el: HTMLElement) => ({
    backend: el.dataset.backend ?? '',
    fallback: el.dataset.fallback === 'true',
    frames: Number(el.dataset.frames),
    visibleSplats: Number(el.dataset.visibleSplats),
    camera: JSON.parse(el.dataset.camera!) as Camera,
  }));
}

/** Waits for a splat frame newer than `after` (e.g. once something over the splats changed). */
export async function waitForFrameAfter(page: Page, after: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>('[data-testid="splat-backend"]')?.dataset.frames) > n, after, { timeout: 15_000 });
}
