/** Synthetic scenes with known cameras for the poses-stage tests: seeded, so every run sees the same data. */
import type { Camera, Vec3 } from '../../../src/core/camera.ts';
import { lookAtCamera, projectPoint } from '../../../src/core/camera.ts';
import { mulberry32 } from '../../../src/core/random.ts';

export const INTRINSICS = { fx: 500, fy: 500, cx: 320, cy: 240, width: 640, height: 480 };

/** Standard normal samples from a seeded uniform generator (Box-Muller). */
export function gaussian(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** n points uniform in the cube [-r, r]^3. */
export function randomPoints(rng: () => number, n: number, r = 1): Vec3[] {
  return Array.from({ length: n }, () => [(2 * rng() - 1) * r, (2 * rng() - 1) * r, (2 * rng() - 1) * r] as Vec3);
}

/** Cameras on a horizontal ring of radius `radius` around the origin, all looking at it (world y down). */
export function ringCameras(count: number, radius: number, arcDeg = 360, intr = INTRINSICS, jitter?: () => number): Camera[] {
  return Array.from({ length: count }, (_, k) => {
    const a = ((arcDeg === 360 ? k / count : k / Math.max(1, count - 1)) * arcDeg * Math.PI) / 180;
    const eye: Vec3 = [radius * Math.sin(a), -0.3 * radius + (jitter ? jitter() : 0), -radius * Math.cos(a)];
    return lookAtCamera(eye, [0, 0, 0], [0, -1, 0], intr);
  });
}

/** Pixel projection of X in cam plus Gaussian noise of sigma pixels. */
export function observe(cam: Camera, X: Vec3, sigma: number, noise: () => number): [number, number] {
  const [u, v] = projectPoint(cam, X);
  return [u + sigma * noise(), v + sigma * noise()];
}

export { mulberry32 };
