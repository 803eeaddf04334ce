// Kernel lossReduce: one workgroup sums the per-workgroup partial sums of lossSsimForward and
// writes the loss terms, so a trainer reads back one 32-byte buffer per step:
//   lossTerms = [loss, l1, ssim, maskMse, mse, 0, 0, 0]  (order of LossTerms in lossReference.ts).
@group(0) @binding(0) var<uniform> params: LossUniforms;
@group(0) @binding(1) var<storage, read> groupSums: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> lossTerms: array<f32>;

var<workgroup> sums: array<vec4f, WG>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  var mine = vec4f(0.0);
  for (var g = t; g < params.pixelGroups; g += WG) { mine += groupSums[g]; }
  sums[t] = mine;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (t < stride) { sums[t] += sums[t + stride]; }
  }
  if (t == 0u) {
    let s = sums[0];
    let n = f32(params.width * params.height);
    let l1 = s.x / (3.0 * n);
    let ssim = s.y / (3.0 * n);
    let mse = s.w / (3.0 * n);
    var maskMse = 0.0;
    if (params.hasMask != 0u) { maskMse = s.z / n; }
    lossTerms[0] = params.viewWeight * ((1.0 - params.ssimWeight) * l1 + params.ssimWeight * (1.0 - ssim) + params.maskWeight * maskMse);
    lossTerms[1] = l1;
    lossTerms[2] = ssim;
    lossTerms[3] = maskMse;
    lossTerms[4] = mse;
    lossTerms[5] = 0.0;
    lossTerms[6] = 0.0;
    lossTerms[7] = 0.0;
  }
}
