/**
 * The reconstruction stage over a scene folder: train on a split's input views, render its
 * held-out views, score them. Shared by `npm run recon`, `npm run bench:recon` and the app.
 */
import type { RGBAImage } from '../core/image.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { meanScore, scoreView, type ViewScore } from './evaluate/scoreView.ts';
import { prepareSplit } from './prepareViews.ts';
import { renderCloudViews } from './renderViews.ts';
import { trainGaussians, type TrainResult, type TrainRunOptions, type TrainView } from './train/trainer.ts';

export interface ReconstructOptions extends TrainRunOptions {
  split: string;
  size?: { width: number; height: number };
  /**
   * Depth-like maps of the split's training views at their training size (TrainView.depth: the
   * depth loss's targets, used when depthWeight > 0), e.g. from a monocular model
   * (src/recon/depth/); undefined for a view leaves it without one.
   */
  depthMaps?: (views: readonly TrainView[]) => Promise<(Float32Array | undefined)[]>;
}

export interface ReconstructResult {
  train: TrainResult;
  trainIds: string[];
  testIds: string[];
  renders: RGBAImage[];
  scores: ViewScore[];
  mean: Omit<ViewScore, 'id'>;
  evalMs: number;
}

export async function reconstructScene(device: GPUDevice, scene: LoadedScene, opts: ReconstructOptions): Promise<ReconstructResult> {
  const prepared = prepareSplit(scene, opts.split, opts.size);
  let views = prepared.train;
  if (opts.depthMaps) {
    const maps = await opts.depthMaps(views);
    views = views.map((v, i) => (maps[i] ? { ...v, depth: maps[i] } : v));
  }
  const train = await trainGaussians(device, views, { bounds: scene.manifest.bounds, background: prepared.background, ...opts });
  const t0 = performance.now();
  const renders = await renderCloudViews(device, train.cloud, prepared.test.map((v) => v.camera), prepared.background);
  const scores = prepared.test.map((v, i) => scoreView(v.id, renders[i], v.rgba, v.mask));
  return {
    train,
    trainIds: prepared.train.map((v) => v.id),
    testIds: prepared.test.map((v) => v.id),
    renders,
    scores,
    mean: meanScore(scores),
    evalMs: performance.now() - t0,
  };
}
