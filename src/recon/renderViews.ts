/** Renders a cloud from given cameras on the GPU into RGBA8 images (test views, previews). */
import type { Camera } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { createImage, type RGBAImage } from '../core/image.ts';
import { createRasterizer, type Rasterizer } from '../gpu/rasterizer.ts';

export type Rgb = readonly [number, number, number];

/** Float RGB (not clamped) -> RGBA8, as an 8-bit render saved by the papers' code. */
export function rgbToImage(width: number, height: number, rgb: ArrayLike<number>): RGBAImage {
  const img = createImage(width, height);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) img.data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, rgb[i * 3 + c])) * 255);
    img.data[i * 4 + 3] = 255;
  }
  return img;
}

/** Renders one cloud from camera after camera (one rasterizer per image size, kept until destroy). */
export interface ViewRenderer {
  render(camera: Camera): Promise<RGBAImage>;
  destroy(): void;
}

export function createViewRenderer(device: GPUDevice, cloud: GaussianCloud, background: Rgb): ViewRenderer {
  const bySize = new Map<string, Rasterizer>();
  return {
    async render(cam) {
      const key = `${cam.width}x${cam.height}`;
      let r = bySize.get(key);
      if (!r) {
        r = createRasterizer(device, { width: cam.width, height: cam.height, shDegree: cloud.shDegree, maxSplats: Math.max(1, cloud.count), antialiased: cloud.antialiased });
        r.upload(cloud);
        bySize.set(key, r);
      }
      await r.forward(cam, background as [number, number, number]);
      const img = await r.readImage();
      return rgbToImage(cam.width, cam.height, img.rgb);
    },
    destroy() {
      for (const r of bySize.values()) r.destroy();
      bySize.clear();
    },
  };
}

/** Every camera's render, in order (one rasterizer per image size, reused across cameras of that size). */
export async function renderCloudViews(device: GPUDevice, cloud: GaussianCloud, cameras: readonly Camera[], background: Rgb): Promise<RGBAImage[]> {
  const renderer = createViewRenderer(device, cloud, background);
  try {
    const out: RGBAImage[] = [];
    for (const cam of cameras) out.push(await renderer.render(cam));
    return out;
  } finally {
    renderer.destroy();
  }
}
