/**
 * The GPU's per-view camera gradient (projectBackwardCamera: rotation, translation and log focal
 * increments, summed in workgroup memory and then by one float atomic add per workgroup and
 * component) against the float64 reference's (finite-difference checked in
 * referenceGradients.test.ts), on the random scenes of rasterizer.test.ts. Same loss, same
 * ambiguous pixels left out. Each of the three groups (omega, dt, log f) must match in the style of
 * rasterCompare.ts: every component within 1e-3 relative of the reference, with a floor of
 * 1e-2 x the group's largest (a sum over hundreds of splats that nearly cancels carries their
 * float32 rounding, not its own). The splat gradients of that variant must still match too.
 */
import { describe, expect, it } from 'vitest';
import { testGpu } from './gpuTestDevice.ts';
import { GRAD_ELEM_TOL, GRAD_FLOOR } from './rasterCompare.ts';
import { CAMERA_SENTINEL, expectClose, runScene } from './rasterRun.ts';
import { makeScene } from './rasterScenes.ts';

const CAMERA_TOL = GRAD_ELEM_TOL; // 1e-3, as the splat gradients'
const GROUPS = [['omega', 0, 3], ['dt', 3, 6], ['log f', 6, 7]] as const;

describe('GPU camera gradient vs CPU reference', () => {
  for (const [seed, count, degree, width, height, antialiased] of [[1, 300, 0, 64, 48, false], [2, 400, 1, 96, 80, false], [4, 250, 2, 40, 33, false], [6, 400, 1, 64, 48, true]] as const) {
    it(`seed ${seed}: ${count} splats, SH ${degree}, ${width}x${height}${antialiased ? ', antialiased' : ''}: camera gradient matches`, async () => {
      const { device } = await testGpu();
      const scene = { ...makeScene(seed, count, degree, width, height), antialiased };
      const run = await runScene(device, scene, scene.camera, undefined, true, true);
      expectClose(run, width * height);
      const gpu = run.cameraGrad!;
      const ref = run.refCameraGrad!;
      const report: string[] = [];
      for (const [name, lo, hi] of GROUPS) {
        let maxRef = 0;
        for (let k = lo; k < hi; k++) maxRef = Math.max(maxRef, Math.abs(ref[k]));
        expect(maxRef, `${name}: the scene must produce a camera gradient`).toBeGreaterThan(1e-3);
        let worst = 0;
        for (let k = lo; k < hi; k++) {
          const rel = Math.abs(gpu[k] - ref[k]) / Math.max(Math.abs(ref[k]), GRAD_FLOOR * maxRef);
          worst = Math.max(worst, rel);
          expect(rel, `${name}[${k - lo}]: gpu ${gpu[k]} vs reference ${ref[k]}`).toBeLessThanOrEqual(CAMERA_TOL);
        }
        report.push(`${name} ${worst.toExponential(2)}`);
      }
      expect(gpu[7], 'padding').toBe(0);
      // Only this view's slot was written.
      expect(run.otherCameraSlots!.every((x) => x === CAMERA_SENTINEL)).toBe(true);
      console.log(`camera gradient, seed ${seed}: worst relative error ${report.join(', ')}`);
    });
  }
});
