/**
 * One GPU-vs-reference run of the rasterizer (forward image and backward gradients of a random
 * linear loss), and the checks made on it, shared by the Node tests (rasterizer.test.ts) and the
 * browser tests (tests/browser/). Environment-free: the caller passes its device.
 */
import { expect } from 'vitest';
import type { Camera } from '../../src/core/camera.ts';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { CAMERA_GRAD_FLOATS, DEFAULT_PROJECT_OPTIONS, type CloudGrads } from '../../src/gpu/reference/projectReference.ts';
import { renderReference, renderReferenceBackward, type RasterOptions } from '../../src/gpu/reference/rasterizeReference.ts';
import { CAMERA_GRAD_STRIDE, createRasterizer, type CloudGradsF32, type RasterImageF32, type Rasterizer } from '../../src/gpu/rasterizer.ts';
import { mulberry32, withGpuErrorScope } from './gpuTestUtils.ts';
import { depthError, GRAD_ELEM_TOL, GRAD_NORM_TOL, gradErrors, IMAGE_TOL, imageError } from './rasterCompare.ts';
import type { TestScene } from './rasterScenes.ts';
import { classifyPixels, type PixelCoverage } from './referenceMargins.ts';

export const MAX_AMBIGUOUS_FRACTION = 0.05;

export function optionsOf(scene: TestScene): RasterOptions {
  return { ...DEFAULT_PROJECT_OPTIONS, background: scene.background, antialiased: scene.antialiased ?? false };
}

export interface SceneRun {
  image: RasterImageF32;
  grads: CloudGradsF32;
  refGrads: CloudGrads;
  coverage: PixelCoverage;
  ambiguous: number;
  imageMaxError: number;
  imageWhere: string;
  /** With withCameraGrad: the GPU's 8 floats of view CAMERA_TEST_VIEW, and the reference's 7. */
  cameraGrad?: Float32Array;
  refCameraGrad?: Float64Array;
  /** The other views' slots of the camera buffer after the backward (filled with CAMERA_SENTINEL before). */
  otherCameraSlots?: Float32Array;
  /** With withDepth: the expected depth's worst relative error (depthError) and where. */
  depthMaxError?: number;
  depthWhere?: string;
}

/** The view slot the camera-gradient runs write (of 4), and what the other slots are filled with. */
export const CAMERA_TEST_VIEW = 2;
export const CAMERA_SENTINEL = 12345;

/**
 * Renders and differentiates one scene on the GPU and with the reference. withDepth: the
 * rasterizer renders expected depth too, and the loss adds sum(wDepth * depth).
 */
export async function runScene(device: GPUDevice, scene: TestScene, camera: Camera = scene.camera, reuse?: Rasterizer, withAlphaGrad = true, withCameraGrad = false, withDepth = false): Promise<SceneRun> {
  return withGpuErrorScope(device, async () => {
    const { width, height } = camera;
    const r = reuse ?? createRasterizer(device, { width, height, shDegree: scene.cloud.shDegree, maxSplats: scene.cloud.count, antialiased: scene.antialiased, depth: withDepth });
    r.upload(scene.cloud);
    await r.forward(camera, scene.background);
    const image = await r.readImage();
    const opts = optionsOf(scene);
    const coverage = classifyPixels(scene.cloud, camera, opts);
    const skip = coverage.ambiguous;
    const ref = renderReference(scene.cloud, camera, opts);
    const err = imageError(image, ref, skip);
    const dErr = withDepth ? depthError(image.depth!, ref, skip) : null;

    const rnd = mulberry32(width * 7919 + height);
    const wRgb = Float32Array.from({ length: width * height * 3 }, (_, i) => (skip[Math.floor(i / 3)] ? 0 : rnd() - 0.5));
    const wAlpha = Float32Array.from({ length: width * height }, (_, i) => (skip[i] ? 0 : rnd() - 0.5));
    const wDepth = withDepth ? Float32Array.from({ length: width * height }, (_, i) => (skip[i] ? 0 : rnd() - 0.5)) : null;
    const dLdDepth = wDepth ? storageBuffer(device, 'dLdDepth', wDepth.byteLength) : null;
    if (dLdDepth) device.queue.writeBuffer(dLdDepth, 0, wDepth!);
    const dLdRgb = storageBuffer(device, 'dLdRgb', wRgb.byteLength);
    const dLdAlpha = storageBuffer(device, 'dLdAlpha', wAlpha.byteLength);
    device.queue.writeBuffer(dLdRgb, 0, wRgb);
    device.queue.writeBuffer(dLdAlpha, 0, wAlpha);
    const cameraBuffer = withCameraGrad ? storageBuffer(device, 'cameraGradFromView', 4 * 4 * CAMERA_GRAD_STRIDE) : null;
    if (cameraBuffer) device.queue.writeBuffer(cameraBuffer, 0, new Float32Array(4 * CAMERA_GRAD_STRIDE).fill(CAMERA_SENTINEL));
    r.backward(dLdRgb, withAlphaGrad ? dLdAlpha : null, cameraBuffer ? { buffer: cameraBuffer, view: CAMERA_TEST_VIEW } : null, dLdDepth);
    const grads = await r.readGrads();
    const refCameraGrad = withCameraGrad ? new Float64Array(CAMERA_GRAD_FLOATS) : null;
    const refGrads = renderReferenceBackward(scene.cloud, camera, wRgb, withAlphaGrad ? wAlpha : null, opts, refCameraGrad, wDepth);
    let camera8: Float32Array | undefined;
    let others: Float32Array | undefined;
    if (cameraBuffer) {
      const all = new Float32Array(await readBuffer(device, cameraBuffer, 4 * 4 * CAMERA_GRAD_STRIDE));
      camera8 = all.slice(CAMERA_TEST_VIEW * CAMERA_GRAD_STRIDE, (CAMERA_TEST_VIEW + 1) * CAMERA_GRAD_STRIDE);
      others = Float32Array.from(all.filter((_, i) => Math.floor(i / CAMERA_GRAD_STRIDE) !== CAMERA_TEST_VIEW));
      cameraBuffer.destroy();
    }
    dLdRgb.destroy();
    dLdAlpha.destroy();
    dLdDepth?.destroy();
    if (!reuse) r.destroy();
    return {
      image, grads, refGrads, coverage, ambiguous: skip.reduce((a, b) => a + b, 0), imageMaxError: err.max, imageWhere: err.where,
      cameraGrad: camera8, refCameraGrad: refCameraGrad ?? undefined, otherCameraSlots: others,
      ...(dErr ? { depthMaxError: dErr.max, depthWhere: dErr.where } : {}),
    };
  });
}

export function expectClose(run: SceneRun, pixels: number): void {
  expect(run.ambiguous, `${run.ambiguous} of ${pixels} pixels are ambiguous`).toBeLessThanOrEqual(MAX_AMBIGUOUS_FRACTION * pixels);
  expect(run.imageMaxError, `image error at ${run.imageWhere}`).toBeLessThanOrEqual(IMAGE_TOL);
  if (run.depthMaxError !== undefined) expect(run.depthMaxError, `depth error at ${run.depthWhere}`).toBeLessThanOrEqual(IMAGE_TOL);
  for (const e of gradErrors(run.grads, run.refGrads)) {
    expect(e.maxRef, `${e.group}: the scene must produce gradients`).toBeGreaterThan(0);
    expect(e.normRel, `${e.group}: norm-relative error`).toBeLessThanOrEqual(GRAD_NORM_TOL);
    expect(e.elemRel, `${e.group}: worst element ${e.where}`).toBeLessThanOrEqual(GRAD_ELEM_TOL);
  }
}
