// Chunk: sh.
// Declares: fn shBasis(degree, dir) -> array<f32, 16>, fn shBasisGrad(degree, dir) -> array<vec3f, 16>.
// Contract: src/core/sh.ts (3DGS basis and signs): colour = sum_k sh[k] Y_k(dir) + 0.5 with dir
// the unit vector from the camera centre to the mean. shBasisGrad gives dY_k/d(x, y, z) treating
// the components as free (the caller chains through the normalisation). Unused entries are 0.
const SH_C0: f32 = 0.28209479177387814;
const SH_C1: f32 = 0.4886025119029199;
const SH_C2_0: f32 = 1.0925484305920792;
const SH_C2_1: f32 = -1.0925484305920792;
const SH_C2_2: f32 = 0.31539156525252005;
const SH_C2_3: f32 = -1.0925484305920792;
const SH_C2_4: f32 = 0.5462742152960396;
const SH_C3_0: f32 = -0.5900435899266435;
const SH_C3_1: f32 = 2.890611442640554;
const SH_C3_2: f32 = -0.4570457994644658;
const SH_C3_3: f32 = 0.3731763325901154;
const SH_C3_4: f32 = -0.4570457994644658;
const SH_C3_5: f32 = 1.445305721320277;
const SH_C3_6: f32 = -0.5900435899266435;

fn shBasis(degree: u32, d: vec3f) -> array<f32, 16> {
  var b = array<f32, 16>();
  b[0] = SH_C0;
  if (degree < 1u) { return b; }
  let x = d.x; let y = d.y; let z = d.z;
  b[1] = -SH_C1 * y;
  b[2] = SH_C1 * z;
  b[3] = -SH_C1 * x;
  if (degree < 2u) { return b; }
  let xx = x * x; let yy = y * y; let zz = z * z;
  b[4] = SH_C2_0 * x * y;
  b[5] = SH_C2_1 * y * z;
  b[6] = SH_C2_2 * (2.0 * zz - xx - yy);
  b[7] = SH_C2_3 * x * z;
  b[8] = SH_C2_4 * (xx - yy);
  if (degree < 3u) { return b; }
  b[9] = SH_C3_0 * y * (3.0 * xx - yy);
  b[10] = SH_C3_1 * x * y * z;
  b[11] = SH_C3_2 * y * (4.0 * zz - xx - yy);
  b[12] = SH_C3_3 * z * (2.0 * zz - 3.0 * xx - 3.0 * yy);
  b[13] = SH_C3_4 * x * (4.0 * zz - xx - yy);
  b[14] = SH_C3_5 * z * (xx - yy);
  b[15] = SH_C3_6 * x * (xx - 3.0 * yy);
  return b;
}

fn shBasisGrad(degree: u32, d: vec3f) -> array<vec3f, 16> {
  var g = array<vec3f, 16>();
  if (degree < 1u) { return g; }
  let x = d.x; let y = d.y; let z = d.z;
  g[1] = vec3f(0.0, -SH_C1, 0.0);
  g[2] = vec3f(0.0, 0.0, SH_C1);
  g[3] = vec3f(-SH_C1, 0.0, 0.0);
  if (degree < 2u) { return g; }
  let xx = x * x; let yy = y * y; let zz = z * z;
  g[4] = vec3f(SH_C2_0 * y, SH_C2_0 * x, 0.0);
  g[5] = vec3f(0.0, SH_C2_1 * z, SH_C2_1 * y);
  g[6] = vec3f(-2.0 * SH_C2_2 * x, -2.0 * SH_C2_2 * y, 4.0 * SH_C2_2 * z);
  g[7] = vec3f(SH_C2_3 * z, 0.0, SH_C2_3 * x);
  g[8] = vec3f(2.0 * SH_C2_4 * x, -2.0 * SH_C2_4 * y, 0.0);
  if (degree < 3u) { return g; }
  g[9] = vec3f(SH_C3_0 * 6.0 * x * y, SH_C3_0 * (3.0 * xx - 3.0 * yy), 0.0);
  g[10] = vec3f(SH_C3_1 * y * z, SH_C3_1 * x * z, SH_C3_1 * x * y);
  g[11] = vec3f(SH_C3_2 * -2.0 * x * y, SH_C3_2 * (4.0 * zz - xx - 3.0 * yy), SH_C3_2 * 8.0 * y * z);
  g[12] = vec3f(SH_C3_3 * -6.0 * x * z, SH_C3_3 * -6.0 * y * z, SH_C3_3 * (6.0 * zz - 3.0 * xx - 3.0 * yy));
  g[13] = vec3f(SH_C3_4 * (4.0 * zz - 3.0 * xx - yy), SH_C3_4 * -2.0 * x * y, SH_C3_4 * 8.0 * x * z);
  g[14] = vec3f(SH_C3_5 * 2.0 * x * z, SH_C3_5 * -2.0 * y * z, SH_C3_5 * (xx - yy));
  g[15] = vec3f(SH_C3_6 * (3.0 * xx - 3.0 * yy), SH_C3_6 * -6.0 * x * y, 0.0);
  return g;
}
