/**
 * A scene folder past the decoded-pixel cap is box-filtered down by one integer factor as it is
 * read, with its cameras (intrinsics scaled exactly by 1/factor) and masks, so a huge folder costs
 * bounded memory instead of crashing the tab. The cap is lowered here so tiny images exercise it.
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createImage, encodeGreyPng, encodePng } from '../../src/core/image.ts';
import { memorySource } from '../../src/io/fileSource.ts';
import { loadScene, MAX_SCENE_PIXELS } from '../../src/io/sceneFolder.ts';
import { serializeSceneManifest, type SceneManifest } from '../../src/io/sceneFormat.ts';

function folder(w: number, h: number) {
  const intr = { fx: 50, fy: 52, cx: w / 2, cy: h / 2, width: w, height: h };
  const manifest: SceneManifest = {
    version: 1,
    name: 'cap',
    views: [0, 1, 2].map((i) => ({ id: `v${i}`, image: `images/v${i}.png`, mask: `masks/v${i}.png`, camera: lookAtCamera([3 * Math.cos(i), 3 * Math.sin(i), 1], [0, 0, 0], [0, 0, 1], intr) })),
    splits: {},
  };
  const files = new Map<string, Uint8Array>([['scene.json', new TextEncoder().encode(serializeSceneManifest(manifest))]]);
  for (let i = 0; i < 3; i++) {
    const img = createImage(w, h);
    for (let k = 0; k < img.data.length; k++) img.data[k] = k % 4 === 3 ? 255 : (k * 13 + i * 7) % 256;
    files.set(`images/v${i}.png`, encodePng(img));
    // Left half object, right half background.
    files.set(`masks/v${i}.png`, encodeGreyPng(w, h, Uint8Array.from({ length: w * h }, (_, p) => (p % w < w / 2 ? 255 : 0))));
  }
  return { manifest, src: memorySource('cap', files) };
}

describe('scene folders past the decoded-pixel cap', () => {
  it('are downscaled with their cameras and masks', async () => {
    const { src } = folder(40, 30);
    const reference = await loadScene(src); // the cameras as scene.json gives them
    const scene = await loadScene(src, { maxPixels: 900 }); // 300 pixels a view: 40x30 -> 20x15
    expect(scene.downscaled).toBe(2);
    for (const [i, v] of scene.views.entries()) {
      expect([v.rgba.width, v.rgba.height]).toEqual([20, 15]);
      const cam = v.camera!;
      const orig = reference.views[i].camera!;
      expect([cam.width, cam.height, cam.fx, cam.fy, cam.cx, cam.cy]).toEqual([20, 15, orig.fx / 2, orig.fy / 2, orig.cx / 2, orig.cy / 2]);
      expect(cam.R).toEqual(orig.R);
      expect(scene.manifest.views[i].camera).toEqual(cam);
      expect(v.maskData!.length).toBe(300);
      expect(v.maskData![0]).toBe(1);
      expect(v.maskData![19]).toBe(0);
    }
  });

  it('a scene under the cap is read as it is', async () => {
    const { manifest, src } = folder(40, 30);
    const scene = await loadScene(src);
    expect(scene.downscaled).toBeUndefined();
    expect(scene.views[0].rgba.width).toBe(40);
    expect(scene.manifest.views[0].camera?.fx).toBe(manifest.views[0].camera?.fx);
    expect(scene.views[0].camera?.width).toBe(40);
    expect(MAX_SCENE_PIXELS * 4).toBeLessThanOrEqual(512 * 2 ** 20);
  });
});
