/**
 * <Splats> in a real react-three-fiber Canvas (headless Chromium): the splat layer is a WebGPU
 * canvas stacked under r3f's, at its drawing-buffer size; the scene's background colour moves to
 * the layer; the cloud is drawn where three.js projects the group <Splats> sits in; unmounting
 * removes the layer and restores the background. A screenshot of the page shows both canvases
 * composited: three.js content (an opaque box) over the splats, the splats through the WebGL
 * canvas elsewhere. (No JSX here: the browser project runs .ts files.)
 */
import { Canvas, type RootState } from '@react-three/fiber';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { page } from 'vitest/browser';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image.ts';
import { Color, PerspectiveCamera, Vector3, type Object3D } from 'three';
import type { FrameStats, SplatRenderer } from '../../src/render/splatRenderer.ts';
import { Splats } from '../../src/ui/Splats.tsx';
import { goldenCloud } from '../render/goldenScene.ts';
import { browserGpu } from './browserGpu.ts';

describe('<Splats> in an r3f scene (Chromium)', () => {
  it('draws the cloud under the WebGL canvas, where three.js puts its group; the page shows both', async () => {
    const { device } = await browserGpu();
    const width = 160;
    const height = 120;
    const container = document.createElement('div');
    Object.assign(container.style, { width: `${width}px`, height: `${height}px` });
    document.body.appendChild(container);
    const camera = new PerspectiveCamera(45, width / height, 0.01, 100);
    camera.position.set(2.0, 1.1, 2.4);
    camera.lookAt(0, 0, 0);
    let state: RootState | null = null;
    let group: Object3D | null = null;
    const errors: Error[] = [];
    // A small opaque box between the camera and the cloud's centre (world (0.3, 0, 0)).
    const cloudCentre = new Vector3(0.3, 0, 0);
    const boxAt = cloudCentre.clone().lerp(camera.position, 0.4);
    const firstFrame = new Promise<{ stats: FrameStats; renderer: SplatRenderer }>((resolve) => {
      const root = createRoot(container);
      const onFrame = (stats: FrameStats, renderer: SplatRenderer) => {
        if (stats.visibleSplats > 0) resolve({ stats, renderer });
      };
      root.render(
        createElement(
          Canvas,
          { dpr: 1, frameloop: 'demand', camera, onCreated: (s: RootState) => (state = s) },
          createElement('color', { attach: 'background', args: ['#204060'] }),
          createElement('mesh', { position: boxAt.toArray() }, createElement('boxGeometry', { args: [0.08, 0.08, 0.08] }), createElement('meshBasicMaterial', { color: '#ff0000', toneMapped: false })),
          createElement(
            'group',
            { position: [0.3, 0, 0], rotation: [-Math.PI / 2, 0, 0], ref: (g: Object3D | null) => (group = g) },
            createElement(Splats, { cloud: goldenCloud(), device, onFrame, onError: (e: Error) => errors.push(e) }),
          ),
        ),
      );
      (container as HTMLDivElement & { unmountRoot?: () => void }).unmountRoot = () => root.unmount();
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no splat frame within 20 s (errors: ${errors.map((e) => e.message).join('; ')})`)), 20_000));
    const { stats, renderer } = await Promise.race([firstFrame, timeout]);
    expect(errors).toEqual([]);
    expect(stats.orderAge).toBe(0);

    const glCanvas = state!.gl.domElement;
    const layer = container.querySelector('canvas[data-splat-layer]') as HTMLCanvasElement;
    expect(layer).toBeTruthy();
    expect(layer.nextElementSibling).toBe(glCanvas);
    expect([layer.width, layer.height]).toEqual([width, height]);
    expect(state!.scene.background).toBeNull();

    // Pixels that differ from the background (#204060) and their centroid.
    const pixels = await renderer.readPixels();
    expect(pixels.length).toBe(width * height * 4);
    const bg = [0x20, 0x40, 0x60];
    let covered = 0;
    let sx = 0;
    let sy = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = 4 * (y * width + x);
        if (Math.max(...[0, 1, 2].map((c) => Math.abs(pixels[p + c] - bg[c]))) > 8) {
          covered++;
          sx += x + 0.5;
          sy += y + 0.5;
        }
      }
    }
    const corner = [0, 1, 2].map((c) => pixels[c]);
    expect(corner).toEqual(bg);
    expect(covered / (width * height)).toBeGreaterThan(0.03);
    const centre = new Vector3().setFromMatrixPosition(group!.matrixWorld).project(camera);
    const expected = [((centre.x + 1) / 2) * width, ((1 - centre.y) / 2) * height];
    console.log(`<Splats>: ${stats.visibleSplats} splats, ${covered} px covered, centroid (${(sx / covered).toFixed(1)}, ${(sy / covered).toFixed(1)}), group centre at (${expected[0].toFixed(1)}, ${expected[1].toFixed(1)})`);
    expect(Math.abs(sx / covered - expected[0])).toBeLessThan(5);
    expect(Math.abs(sy / covered - expected[1])).toBeLessThan(5);

    // What the page shows: the box over the splats, the splats elsewhere, the background around.
    await page.viewport(400, 300); // small enough that the runner does not scale the test frame
    const shot = await page.screenshot({ element: container, save: false });
    const screen = decodeImage(Uint8Array.from(atob(shot), (c) => c.charCodeAt(0)), 'screenshot');
    expect([screen.width, screen.height]).toEqual([width, height]);
    const at = (img: ArrayLike<number>, x: number, y: number) => [0, 1, 2].map((c) => img[4 * (Math.floor(y) * width + Math.floor(x)) + c]);
    const box = boxAt.clone().project(camera);
    const boxPixel = [((box.x + 1) / 2) * width, ((1 - box.y) / 2) * height];
    expect(at(screen.data, boxPixel[0], boxPixel[1])).toEqual([255, 0, 0]);
    expect(at(screen.data, 1, 1)).toEqual(bg);
    // The most strongly covered splat pixel away from the box reads the same on the page.
    let best = { x: 0, y: 0, d: -1 };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (Math.hypot(x + 0.5 - boxPixel[0], y + 0.5 - boxPixel[1]) < 15) continue;
        const d = Math.max(...at(pixels, x, y).map((v, c) => Math.abs(v - bg[c])));
        if (d > best.d) best = { x, y, d };
      }
    }
    expect(best.d).toBeGreaterThan(40);
    const onPage = at(screen.data, best.x, best.y);
    const drawn = at(pixels, best.x, best.y);
    expect(Math.max(...onPage.map((v, c) => Math.abs(v - drawn[c])))).toBeLessThanOrEqual(3);

    const scene = state!.scene;
    (container as HTMLDivElement & { unmountRoot?: () => void }).unmountRoot!();
    await new Promise((r) => setTimeout(r, 50));
    expect(container.querySelector('canvas[data-splat-layer]')).toBeNull();
    expect(scene.background).toBeInstanceOf(Color);
    container.remove();
  });
});
