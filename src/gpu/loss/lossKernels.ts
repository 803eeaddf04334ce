/**
 * The WGSL kernels of the training loss, composed with their chunks (see ../pipelines.ts).
 * The Gaussian taps are written into the lossCommon chunk from core/metrics, so the loss and the
 * SSIM metric cannot drift apart.
 */
import { gaussianKernel1d, SSIM_K1, SSIM_K2, SSIM_RADIUS } from '../../core/metrics/ssim.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl } from '../pipelines.ts';
import depthLossCommon from './chunks/depthLossCommon.wgsl?raw';
import depthLossGradient from './depthLossGradient.wgsl?raw';
import depthLossReduce from './depthLossReduce.wgsl?raw';
import depthPatchStats from './depthPatchStats.wgsl?raw';
import lossCommonRaw from './chunks/lossCommon.wgsl?raw';
import lossTarget from './chunks/lossTarget.wgsl?raw';
import lossBlurBackwardH from './lossBlurBackwardH.wgsl?raw';
import lossBlurForwardH from './lossBlurForwardH.wgsl?raw';
import lossGradient from './lossGradient.wgsl?raw';
import lossReduce from './lossReduce.wgsl?raw';
import lossSsimForward from './lossSsimForward.wgsl?raw';

// The chunk hard-codes these; fail loudly rather than compute a different SSIM than the metric.
if (SSIM_RADIUS !== 5 || SSIM_K1 !== 0.01 || SSIM_K2 !== 0.03) throw new Error('lossCommon.wgsl assumes an 11-tap window, K1 0.01, K2 0.03');

const lossCommon = lossCommonRaw.replaceAll(
  'GAUSS_WEIGHTS',
  Array.from(gaussianKernel1d(), (w) => w.toPrecision(17)).join(', '),
);

const common = [linearIndex, lossCommon];

export const LOSS_WGSL = {
  lossBlurForwardH: composeWgsl(...common, lossTarget, lossBlurForwardH),
  lossSsimForward: composeWgsl(...common, lossTarget, lossSsimForward),
  lossBlurBackwardH: composeWgsl(...common, lossBlurBackwardH),
  lossGradient: composeWgsl(...common, lossTarget, lossGradient),
  lossReduce: composeWgsl(...common, lossReduce),
} as const;

/** The depth loss's kernels (depthLoss.ts). */
export const DEPTH_LOSS_WGSL = {
  depthPatchStats: composeWgsl(depthLossCommon, depthPatchStats),
  depthLossReduce: composeWgsl(depthLossCommon, depthLossReduce),
  depthLossGradient: composeWgsl(linearIndex, depthLossCommon, depthLossGradient),
} as const;
