// Depth smoothness at a pseudo view: the gradient of the second-difference penalty on the
// surface depth d = D / A, one thread per pixel (gathers the runs of three it belongs to).
// Contract (reference: src/gpu/loss/depthSmoothReference.ts depthSmoothReference, which defines
// L, the runs that count and both gradients):
//   dLdDepth[p] = dL/dD_p and dLdAlpha[p] = dL/dA_p for p < width * height.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).

struct SmoothUniforms {
  width: u32,
  height: u32,
  // W^2 / scale.
  k: f32,
  // 2 * weight / (W H) * k: the gradient of one run's r^2 per unit r at an end pixel.
  g: f32,
  alphaMin: f32,
  pad0: f32,
  pad1: f32,
  pad2: f32,
}

@group(0) @binding(0) var<uniform> u: SmoothUniforms;
@group(0) @binding(1) var<storage, read> depthFromPixel: array<f32>;
@group(0) @binding(2) var<storage, read> alphaFromPixel: array<f32>;
@group(0) @binding(3) var<storage, read_write> dLdAlpha: array<f32>;
@group(0) @binding(4) var<storage, read_write> dLdDepth: array<f32>;

// The run centred at (cx, cy) along (sx, sy): its r, or 0 when it is off the image or a pixel's
// coverage is under alphaMin (then it adds nothing).
fn runResidual(cx: i32, cy: i32, sx: i32, sy: i32) -> f32 {
  let w = i32(u.width);
  let h = i32(u.height);
  let ax = cx - sx; let ay = cy - sy;
  let bx = cx + sx; let by = cy + sy;
  if (ax < 0 || ay < 0 || bx >= w || by >= h || cx < 0 || cy < 0 || cx >= w || cy >= h) { return 0.0; }
  let a = u32(ay * w + ax);
  let c = u32(cy * w + cx);
  let b = u32(by * w + bx);
  let alA = alphaFromPixel[a];
  let alC = alphaFromPixel[c];
  let alB = alphaFromPixel[b];
  if (alA < u.alphaMin || alC < u.alphaMin || alB < u.alphaMin) { return 0.0; }
  return u.k * (depthFromPixel[a] / alA - 2.0 * (depthFromPixel[c] / alC) + depthFromPixel[b] / alB);
}

@compute @workgroup_size(256)
fn depthSmooth(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = linearWorkgroup(wid, nwg) * 256u + lid;
  if (p >= u.width * u.height) { return; }
  let x = i32(p % u.width);
  let y = i32(p / u.width);
  // The pixel is the end of the runs centred beside it and the middle of its own.
  var s = runResidual(x - 1, y, 1, 0) + runResidual(x + 1, y, 1, 0) - 2.0 * runResidual(x, y, 1, 0);
  s = s + runResidual(x, y - 1, 0, 1) + runResidual(x, y + 1, 0, 1) - 2.0 * runResidual(x, y, 0, 1);
  let dd = u.g * s;
  let al = alphaFromPixel[p];
  if (dd == 0.0 || al <= 0.0) {
    dLdDepth[p] = 0.0;
    dLdAlpha[p] = 0.0;
    return;
  }
  dLdDepth[p] = dd / al;
  dLdAlpha[p] = -dd * depthFromPixel[p] / (al * al);
}
