/** Small canvases of each view, shared by the thumbnail strip and the 3D view's image planes. */
import { useEffect, useState } from 'react';
import type { RGBAImage } from '../core/image.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';

export const THUMBNAIL_SIZE = 256;

export async function makeThumbnail(img: RGBAImage, maxSize = THUMBNAIL_SIZE): Promise<HTMLCanvasElement> {
  const s = Math.min(1, maxSize / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * s));
  const h = Math.max(1, Math.round(img.height * s));
  const data = new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height);
  const bitmap = await createImageBitmap(data, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/** Thumbnails by view id; empty until they are ready. */
export function useThumbnails(scene: LoadedScene | null): Map<string, HTMLCanvasElement> {
  const [thumbs, setThumbs] = useState(() => new Map<string, HTMLCanvasElement>());
  useEffect(() => {
    setThumbs(new Map());
    if (!scene) return;
    let cancelled = false;
    void (async () => {
      const out = new Map<string, HTMLCanvasElement>();
      for (const v of scene.views) {
        out.set(v.id, await makeThumbnail(v.rgba));
        if (cancelled) return;
      }
      setThumbs(out);
    })();
    return () => {
      cancelled = true;
    };
  }, [scene]);
  return thumbs;
}
