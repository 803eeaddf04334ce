/**
 * The object bounds a training run uses: the given ones (scene.json), else the ones the views'
 * masks carve (estimateBounds), else null (views without masks need given bounds). One place, so
 * the two co-trained runs of coTrain.ts and a single run agree.
 */
import type { Camera } from '../../core/camera.ts';
import { estimateBounds, type Bounds } from '../hull/index.ts';

export function viewBounds(views: readonly { camera: Camera; mask?: Uint8Array }[], given?: Bounds): Bounds | null {
  if (given) return given;
  if (views.length === 0 || !views.every((v) => v.mask)) return null;
  const { width, height } = views[0].camera;
  return estimateBounds(views.map((v) => ({ camera: v.camera, mask: v.mask!, width, height })));
}
