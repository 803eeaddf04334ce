/** Integer downscaling of an image together with its camera, shared by the dataset importers. */
import { resizeCamera, type Camera } from '../core/camera.ts';
import { downsampleImage, type RGBAImage } from '../core/image.ts';

/**
 * The camera for an image box-filtered by an integer factor. New pixel i covers old pixels
 * [i*f, (i+1)*f), so intrinsics scale by exactly 1/f even when the size does not divide and the
 * last partial block is dropped (resizeCamera alone would scale by floor(W/f)/W).
 */
export function downscaleCamera(cam: Camera, factor: number): Camera {
  if (factor === 1) return cam;
  const scaled = resizeCamera(cam, cam.width / factor, cam.height / factor);
  return { ...scaled, width: Math.floor(cam.width / factor), height: Math.floor(cam.height / factor) };
}

export function downscaleImage(img: RGBAImage, factor: number): RGBAImage {
  return factor === 1 ? img : downsampleImage(img, factor);
}

/** The smallest integer factor that brings a width x height image to at most maxPixels pixels. */
export function factorToFit(width: number, height: number, maxPixels: number): number {
  let f = 1;
  while (Math.floor(width / f) * Math.floor(height / f) > maxPixels) f++;
  return f;
}
