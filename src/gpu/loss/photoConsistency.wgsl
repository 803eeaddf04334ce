// Photo-consistency of a pseudo view's surface: per pixel, the loss and its gradient in the
// render's depth and coverage, one thread per pixel (pixels are independent).
// Contract (reference: src/gpu/loss/photoConsistencyReference.ts photoConsistency, which defines
// L, the pixels that count and both gradients):
//   lossFromPixel[p] = pixel p's share of L, dLdDepth[p] = dL/dD_p, dLdAlpha[p] = dL/dA_p
//   for p < width * height.
// The two inputs' photos and surfaces are read from buffers that hold every input, one after the
// other (same size as the render): pixel q of input k at k * width * height + q.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).

struct Pose {
  // World-to-camera rotation rows, the translation in w.
  r0: vec4f,
  r1: vec4f,
  r2: vec4f,
  // fx, fy, cx, cy.
  intr: vec4f,
}

struct ConsistencyUniforms {
  // width, height, first pixel of input a, first pixel of input b.
  dims: vec4u,
  // weight / (width height), alphaMin, occlusion, eps.
  params: vec4f,
  // The pseudo camera (its centre in r0.w, r1.w, r2.w instead of the translation).
  render: Pose,
  a: Pose,
  b: Pose,
}

@group(0) @binding(0) var<uniform> u: ConsistencyUniforms;
@group(0) @binding(1) var<storage, read> depthFromPixel: array<f32>;
@group(0) @binding(2) var<storage, read> alphaFromPixel: array<f32>;
// Per input pixel, RGBA8 (unpack4x8unorm): blurred RGB and the mask (1 object, 0 not) in A.
@group(0) @binding(3) var<storage, read> photoFromInputPixel: array<u32>;
// Per input pixel: the cloud's surface depth from that input, or -1 where it covers less than alphaMin.
@group(0) @binding(4) var<storage, read> surfaceFromInputPixel: array<f32>;
@group(0) @binding(5) var<storage, read_write> lossFromPixel: array<f32>;
@group(0) @binding(6) var<storage, read_write> dLdDepth: array<f32>;
@group(0) @binding(7) var<storage, read_write> dLdAlpha: array<f32>;

struct Look {
  ok: bool,
  colour: vec3f,
  // d(colour)/ds along the pseudo pixel's ray.
  dcds: vec3f,
}

// What input `cam` (first pixel `first`) sees of the point at ray parameter s: its colour and the
// colour's speed along the ray, or not ok (behind it, outside its image or mask, hidden).
fn look(cam: Pose, first: u32, centre: vec3f, d: vec3f, s: f32) -> Look {
  var out: Look;
  out.ok = false;
  let w = u.dims.x;
  let h = u.dims.y;
  let e = vec3f(dot(cam.r0.xyz, d), dot(cam.r1.xyz, d), dot(cam.r2.xyz, d));
  let c = vec3f(dot(cam.r0.xyz, centre) + cam.r0.w, dot(cam.r1.xyz, centre) + cam.r1.w, dot(cam.r2.xyz, centre) + cam.r2.w);
  let x = c + s * e;
  let z = x.z;
  if (!(z > 0.0)) { return out; }
  let pu = cam.intr.x * x.x / z + cam.intr.z;
  let pv = cam.intr.y * x.y / z + cam.intr.w;
  let du = cam.intr.x * (e.x * z - x.x * e.z) / (z * z);
  let dv = cam.intr.y * (e.y * z - x.y * e.z) / (z * z);
  let fxp = pu - 0.5;
  let fyp = pv - 0.5;
  if (!(fxp >= 0.0 && fyp >= 0.0 && fxp <= f32(w - 1u) && fyp <= f32(h - 1u))) { return out; }
  let q = first + u32(floor(pv)) * w + u32(floor(pu));
  if ((photoFromInputPixel[q] >> 24u) == 0u) { return out; }
  let surface = surfaceFromInputPixel[q];
  if (surface >= 0.0 && z > surface * (1.0 + u.params.z)) { return out; }
  let x0 = min(w - 2u, u32(floor(fxp)));
  let y0 = min(h - 2u, u32(floor(fyp)));
  let tx = fxp - f32(x0);
  let ty = fyp - f32(y0);
  let i00 = first + y0 * w + x0;
  let c00 = unpack4x8unorm(photoFromInputPixel[i00]).xyz;
  let c10 = unpack4x8unorm(photoFromInputPixel[i00 + 1u]).xyz;
  let c01 = unpack4x8unorm(photoFromInputPixel[i00 + w]).xyz;
  let c11 = unpack4x8unorm(photoFromInputPixel[i00 + w + 1u]).xyz;
  out.colour = (c00 * (1.0 - tx) + c10 * tx) * (1.0 - ty) + (c01 * (1.0 - tx) + c11 * tx) * ty;
  let cu = (c10 - c00) * (1.0 - ty) + (c11 - c01) * ty;
  let cv = (c01 - c00) * (1.0 - tx) + (c11 - c10) * tx;
  out.dcds = cu * du + cv * dv;
  out.ok = true;
  return out;
}

@compute @workgroup_size(256)
fn photoConsistency(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = linearWorkgroup(wid, nwg) * 256u + lid;
  let w = u.dims.x;
  if (p >= w * u.dims.y) { return; }
  lossFromPixel[p] = 0.0;
  dLdDepth[p] = 0.0;
  dLdAlpha[p] = 0.0;
  let A = alphaFromPixel[p];
  if (!(A >= u.params.y)) { return; }
  let D = depthFromPixel[p];
  let s = D / A;
  let r = u.render;
  let xc = (f32(p % w) + 0.5 - r.intr.z) / r.intr.x;
  let yc = (f32(p / w) + 0.5 - r.intr.w) / r.intr.y;
  // R^T [xc, yc, 1]: the ray's direction, camera depth 1 per unit s.
  let d = r.r0.xyz * xc + r.r1.xyz * yc + r.r2.xyz;
  let centre = vec3f(r.r0.w, r.r1.w, r.r2.w);
  let la = look(u.a, u.dims.z, centre, d, s);
  if (!la.ok) { return; }
  let lb = look(u.b, u.dims.w, centre, d, s);
  if (!lb.ok) { return; }
  let res = la.colour - lb.colour;
  let eps = u.params.w;
  let root = sqrt(res * res + vec3f(eps * eps));
  let k = u.params.x;
  lossFromPixel[p] = k * dot(root - vec3f(eps), vec3f(1.0));
  let dLds = k * dot(res / root, la.dcds - lb.dcds);
  dLdDepth[p] = dLds / A;
  dLdAlpha[p] = -dLds * D / (A * A);
}
