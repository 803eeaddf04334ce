/**
 * Real spherical harmonics up to degree 3, in the basis and sign convention of 3DGS
 * (and gsplat, Brush, PlayCanvas): colour = sum_k sh[k] * Y_k(dir) + 0.5, where dir is the unit
 * vector from the camera centre to the splat mean, in world coordinates.
 */
export const SH_C0 = 0.28209479177387814;
export const SH_C1 = 0.4886025119029199;
export const SH_C2 = [1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396];
export const SH_C3 = [
  -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154, -0.4570457994644658,
  1.445305721320277, -0.5900435899266435,
];

/** Y_k(dir) for k < (degree+1)^2, written into `out`. */
export function shBasis(degree: number, x: number, y: number, z: number, out: Float64Array): void {
  out[0] = SH_C0;
  if (degree < 1) return;
  out[1] = -SH_C1 * y;
  out[2] = SH_C1 * z;
  out[3] = -SH_C1 * x;
  if (degree < 2) return;
  const xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
  out[4] = SH_C2[0] * xy;
  out[5] = SH_C2[1] * yz;
  out[6] = SH_C2[2] * (2 * zz - xx - yy);
  out[7] = SH_C2[3] * xz;
  out[8] = SH_C2[4] * (xx - yy);
  if (degree < 3) return;
  out[9] = SH_C3[0] * y * (3 * xx - yy);
  out[10] = SH_C3[1] * xy * z;
  out[11] = SH_C3[2] * y * (4 * zz - xx - yy);
  out[12] = SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy);
  out[13] = SH_C3[4] * x * (4 * zz - xx - yy);
  out[14] = SH_C3[5] * z * (xx - yy);
  out[15] = SH_C3[6] * x * (xx - 3 * yy);
}

/**
 * Partial derivatives of each basis function with respect to the (unnormalised) components
 * x, y, z, written as out[3k + axis]. The caller chains through the normalisation of dir.
 */
export function shBasisGrad(degree: number, x: number, y: number, z: number, out: Float64Array): void {
  out.fill(0, 0, 3 * (degree + 1) * (degree + 1));
  if (degree < 1) return;
  out[3 * 1 + 1] = -SH_C1;
  out[3 * 2 + 2] = SH_C1;
  out[3 * 3 + 0] = -SH_C1;
  if (degree < 2) return;
  const xx = x * x, yy = y * y, zz = z * z;
  const set = (k: number, gx: number, gy: number, gz: number) => {
    out[3 * k] = gx;
    out[3 * k + 1] = gy;
    out[3 * k + 2] = gz;
  };
  set(4, SH_C2[0] * y, SH_C2[0] * x, 0);
  set(5, 0, SH_C2[1] * z, SH_C2[1] * y);
  set(6, -2 * SH_C2[2] * x, -2 * SH_C2[2] * y, 4 * SH_C2[2] * z);
  set(7, SH_C2[3] * z, 0, SH_C2[3] * x);
  set(8, 2 * SH_C2[4] * x, -2 * SH_C2[4] * y, 0);
  if (degree < 3) return;
  set(9, SH_C3[0] * 6 * x * y, SH_C3[0] * (3 * xx - 3 * yy), 0);
  set(10, SH_C3[1] * y * z, SH_C3[1] * x * z, SH_C3[1] * x * y);
  set(11, SH_C3[2] * -2 * x * y, SH_C3[2] * (4 * zz - xx - 3 * yy), SH_C3[2] * 8 * y * z);
  set(12, SH_C3[3] * -6 * x * z, SH_C3[3] * -6 * y * z, SH_C3[3] * (6 * zz - 3 * xx - 3 * yy));
  set(13, SH_C3[4] * (4 * zz - 3 * xx - yy), SH_C3[4] * -2 * x * y, SH_C3[4] * 8 * x * z);
  set(14, SH_C3[5] * 2 * x * z, SH_C3[5] * -2 * y * z, SH_C3[5] * (xx - yy));
  set(15, SH_C3[6] * (3 * xx - 3 * yy), SH_C3[6] * -6 * x * y, 0);
}

/** RGB from SH coefficients to a colour value (DC term maps to 0.5 offset, as 3DGS). */
export function shToColorDC(dc: number): number {
  return dc * SH_C0 + 0.5;
}
export function colorToShDC(c: number): number {
  return (c - 0.5) / SH_C0;
}
