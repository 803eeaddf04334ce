// Chunk: lossCommon.
// Declares: struct LossUniforms, const WG (256 threads, the workgroup size of every loss kernel),
//   const RADIUS, const GAUSS (11 taps), const C1, const C2, fn lossPixel(t, wid, nwg) -> u32.
// Expects: the linearIndex chunk (linearWorkgroup). The host (lossKernels.ts) fills the
//   placeholder inside GAUSS from core/metrics gaussianKernel1d(), so the loss and the SSIM
//   metric share one kernel; loss.ts packUniforms writes LossUniforms (same field order).
// Image planes: a per-pixel map of K values per channel is stored planar, value k of channel c
//   at [(k * 3 + c) * pixels + p], so neighbouring threads read neighbouring addresses.
// Borders: every blur is 'same'-size with ZERO padding, so its transpose (the backward) is the
//   same blur (the kernel is symmetric).
struct LossUniforms {
  width: u32,
  height: u32,
  // 1 when the A byte of each target pixel holds the mask (255 = object).
  hasMask: u32,
  // Workgroups of the per-pixel passes = vec4 partial sums for lossReduce.
  pixelGroups: u32,
  background: vec4f,
  ssimWeight: f32,
  maskWeight: f32,
  // Scales the loss and its gradients (LossWeights.viewWeight; 1 for input photos).
  viewWeight: f32,
  pad1: f32,
}

const WG: u32 = 256u;
const RADIUS: i32 = 5;
const GAUSS = array<f32, 11>(GAUSS_WEIGHTS);
const C1: f32 = 0.0001;
const C2: f32 = 0.0009;

// Pixel index of this thread; may be past the end (folded grids, last workgroup).
fn lossPixel(t: u32, wid: vec3u, nwg: vec3u) -> u32 {
  return linearWorkgroup(wid, nwg) * WG + t;
}
