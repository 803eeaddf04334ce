import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { loadLearnedDetector, detectOrb, matchFeatures, type Features } from '../src/recon/poses/index.ts';
import { mat3Mul, mat3Transpose, mat3MulVec, type Camera } from '../src/core/camera.ts';
import { resizeImage } from '../src/core/image.ts';

const [sceneDir, split, kind, ratioS, topKS, scaleS] = process.argv.slice(2);
const scene = await loadScene(fsSource(sceneDir));
const ids = scene.manifest.splits[split].train;
const views = ids.map((id) => scene.views.find((v) => v.id === id)!);
const scale = Number(scaleS ?? 1);
const det = kind === 'orb' ? null : await loadLearnedDetector(kind as 'alike', new Uint8Array(await readFile(resolve('../shared/models', kind === 'alike' ? 'alike_n.onnx' : 'xfeat.onnx'))), kind);
const feats: Features[] = [];
for (const v of views) {
  const img = scale === 1 ? v.rgba : resizeImage(v.rgba, Math.round(v.rgba.width * scale), Math.round(v.rgba.height * scale));
  const f = det ? await det.detect(img, { topK: Number(topKS ?? 2048) }) : await detectOrb(img, { topK: Number(topKS ?? 2048) });
  for (let k = 0; k < f.keypoints.length; k++) f.keypoints[k] /= scale;
  feats.push(f);
}
console.log('keypoints', feats.map((f) => f.keypoints.length / 2));
// epipolar distance with GT
function epi(a: Camera, b: Camera, ua: number, va: number, ub: number, vb: number) {
  const R = mat3Mul(b.R, mat3Transpose(a.R));
  const Rt = mat3MulVec(R, a.t); const t = [b.t[0] - Rt[0], b.t[1] - Rt[1], b.t[2] - Rt[2]];
  const xa = [(ua - a.cx) / a.fx, (va - a.cy) / a.fy, 1]; const xb = [(ub - b.cx) / b.fx, (vb - b.cy) / b.fy, 1];
  const Rx = mat3MulVec(R, xa); // line = t x Rx
  const l = [t[1] * Rx[2] - t[2] * Rx[1], t[2] * Rx[0] - t[0] * Rx[2], t[0] * Rx[1] - t[1] * Rx[0]];
  return Math.abs(l[0] * xb[0] + l[1] * xb[1] + l[2]) / Math.hypot(l[0], l[1]) * b.fx;
}
for (const ratio of (ratioS ?? '0.8,0.9,1').split(',').map(Number))
  for (let a = 0; a < views.length; a++) for (let b = a + 1; b < views.length; b++) {
    const m = matchFeatures(feats[a], feats[b], { ratio });
    let good = 0;
    for (let k = 0; k < m.length; k += 2) {
      const d = epi(views[a].camera!, views[b].camera!, feats[a].keypoints[2 * m[k]], feats[a].keypoints[2 * m[k] + 1], feats[b].keypoints[2 * m[k + 1]], feats[b].keypoints[2 * m[k + 1] + 1]);
      if (d < 2) good++;
    }
    console.log(`ratio ${ratio} pair ${ids[a]}-${ids[b]}: ${m.length / 2} matches, ${good} within 2px of GT epipolar line`);
  }
