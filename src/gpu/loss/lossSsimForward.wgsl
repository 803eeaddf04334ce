// Kernel lossSsimForward: vertical half of the moment blur, then per pixel and channel the SSIM
// map S and its partials with respect to the raw moments (lossReference.ts has the algebra):
//   ssimPartials planes k = 0, 1, 2: a = dS/d(G*x), b = dS/d(G*x*x), c = dS/d(G*x*y),
// which lossBlurBackwardH / lossGradient blur back onto the pixels. Also writes dL/d(alpha)
// (pointwise) and one vec4 per workgroup of partial sums for lossReduce:
//   (sum |x - y|, sum S, sum (alpha - mask)^2, sum (x - y)^2) over the workgroup's pixels.
@group(0) @binding(0) var<uniform> params: LossUniforms;
@group(0) @binding(1) var<storage, read> rgb: array<f32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read> targetPixels: array<u32>;
@group(0) @binding(4) var<storage, read> rowMoments: array<f32>;
@group(0) @binding(5) var<storage, read_write> ssimPartials: array<f32>;
@group(0) @binding(6) var<storage, read_write> dLdAlpha: array<f32>;
@group(0) @binding(7) var<storage, read_write> groupSums: array<vec4f>;

var<workgroup> sums: array<vec4f, WG>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = params.width * params.height;
  let p = lossPixel(t, wid, nwg);
  var mine = vec4f(0.0);
  // No early return: every thread must reach the barriers of the reduction below.
  if (p < n) {
    let row = i32(p / params.width);
    let col = p % params.width;
    var m: array<vec3f, 5>;
    for (var k = -RADIUS; k <= RADIUS; k++) {
      let r = row + k;
      if (r < 0 || r >= i32(params.height)) { continue; }
      let q = u32(r) * params.width + col;
      let w = GAUSS[k + RADIUS];
      for (var j = 0u; j < 5u; j++) {
        m[j] += w * vec3f(rowMoments[(3u * j) * n + q], rowMoments[(3u * j + 1u) * n + q], rowMoments[(3u * j + 2u) * n + q]);
      }
    }
    let ux = m[0];
    let uy = m[1];
    let sxx = m[2] - ux * ux;
    let syy = m[3] - uy * uy;
    let sxy = m[4] - ux * uy;
    let a1 = 2.0 * ux * uy + C1;
    let a2 = 2.0 * sxy + C2;
    let b1 = ux * ux + uy * uy + C1;
    let b2 = sxx + syy + C2;
    let inv = 1.0 / (b1 * b2);
    let s = a1 * a2 * inv;
    let dSdMu = 2.0 * uy * a2 * inv - 2.0 * ux * s / b1;
    let dSdSxx = -s / b2;
    let dSdSxy = 2.0 * a1 * inv;
    let pa = dSdMu - 2.0 * ux * dSdSxx - uy * dSdSxy;
    for (var c = 0u; c < 3u; c++) {
      ssimPartials[(0u + c) * n + p] = pa[c];
      ssimPartials[(3u + c) * n + p] = dSdSxx[c];
      ssimPartials[(6u + c) * n + p] = dSdSxy[c];
    }

    let d = renderAt(p) - targetAt(p);
    var alphaSq = 0.0;
    var alphaGrad = 0.0;
    if (params.hasMask != 0u) {
      let e = alpha[p] - maskAt(p);
      alphaSq = e * e;
      alphaGrad = 2.0 * params.viewWeight * params.maskWeight * e / f32(n);
    }
    dLdAlpha[p] = alphaGrad;
    mine = vec4f(dot(abs(d), vec3f(1.0)), s.x + s.y + s.z, alphaSq, dot(d, d));
  }
  sums[t] = mine;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (t < stride) { sums[t] += sums[t + stride]; }
  }
  let g = linearWorkgroup(wid, nwg);
  if (t == 0u && g < params.pixelGroups) { groupSums[g] = sums[0]; }
}
