// Chunk: depthLossCommon (the depth loss kernels; depthLossReference.ts is the contract).
// Declares: struct DepthLossUniforms (packed by depthLoss.ts; keep both in step), const DL_WG,
// const PATCH_FLOATS and fn patchOf(x, y) -> u32.
// Layouts: target, 2 f32 per pixel (depth-like value, 1 if the pixel counts else 0); patch
// statistics, PATCH_FLOATS f32 per patch: valid (0/1), r, 1/sqrt((S_dd + n EPS) S_tt),
// r / (S_dd + n EPS), mean D, mean T, 0, 0; terms, 4 f32: loss, mean r, valid patches, -weight / K.
struct DepthLossUniforms {
  width: u32,
  height: u32,
  patchSize: u32,
  minPixels: u32,
  offsetX: u32,
  offsetY: u32,
  patchesX: u32,
  patchesY: u32,
  weight: f32,
  varFloor: f32,  // EPS: per-pixel floor of the rendered depth's variance
  pad0: u32,
  pad1: u32,
}

const DL_WG: u32 = 256u;
const PATCH_FLOATS: u32 = 8u;

/** Index of the patch holding pixel (x, y): the grid is shifted by the offset. */
fn patchOf(x: u32, y: u32) -> u32 {
  return ((y + u.offsetY) / u.patchSize) * u.patchesX + (x + u.offsetX) / u.patchSize;
}
