/** Inputs of the depth loss tests (reference and GPU), float32-exact so both see the same numbers. */
import { mulberry32 } from '../../src/core/random.ts';
import type { DepthLossInputs } from '../../src/gpu/loss/depthLossReference.ts';

/** A smooth rendered depth and a target that correlates with it partly (plus noise). */
export function depthLossCase(seed: number, width: number, height: number, masked: boolean): DepthLossInputs {
  const rnd = mulberry32(seed);
  const n = width * height;
  const depth = new Float64Array(n), target = new Float64Array(n);
  const [a, b, c] = [rnd() * 0.4, rnd() * 0.4, rnd() * 6];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      depth[p] = 3 + a * Math.sin(x / 3 + c) + b * Math.cos(y / 4) + 0.05 * rnd();
      target[p] = Math.fround(1.7 * (depth[p] - 3) + 0.3 * Math.sin((x + y) / 2) + 0.1 * rnd() + 5);
      depth[p] = Math.fround(depth[p]);
    }
  const mask = masked ? Uint8Array.from({ length: n }, (_, p) => (Math.hypot((p % width) - width / 2, Math.floor(p / width) - height / 2) < 0.4 * width ? 1 : 0)) : null;
  return { width, height, depth, target, mask };
}

