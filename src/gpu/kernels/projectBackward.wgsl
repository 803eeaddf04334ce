// Kernel projectBackward: one thread per splat. Chains the splat's summed screen-space gradient
// (u, v, conic, opacity, colour, depth z from rasterizeBackward: 10 floats a splat) back to its parameters, exactly as the
// reference's projectSplatBackward, and writes (not adds) them into the flat gradient buffer, so
// splats that were culled or touched no pixel get zeros.
// Camera refinement: each splat also returns its share of the view's camera gradient (dL/d omega,
// dL/d dt, dL/d log f; projectReference.ts's addCameraGrad). Only the variant composed with the
// cameraGrad chunk (CAMERA_GRAD = true) computes it and reduces it into cameraGradFromView; the
// plain variant (cameraGradOff chunk) compiles that code away.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> paramsFlat: array<f32>;
@group(0) @binding(2) var<storage, read> gradProjectedFromSplat: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradParamsFlat: array<f32>;

fn writeZeros(i: u32) {
  for (var k = 0u; k < 3u; k++) {
    gradParamsFlat[meansOffset(u) + 3u * i + k] = 0.0;
    gradParamsFlat[logScalesOffset(u) + 3u * i + k] = 0.0;
  }
  for (var k = 0u; k < 4u; k++) { gradParamsFlat[quatsOffset(u) + 4u * i + k] = 0.0; }
  gradParamsFlat[opacityOffset(u) + i] = 0.0;
  for (var k = 0u; k < 3u * u.shCoeffs; k++) { gradParamsFlat[shOffset(u) + 3u * u.shCoeffs * i + k] = 0.0; }
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  var part = CameraGradPart(vec3f(0.0), vec3f(0.0), 0.0);
  if (i < u.splatCount) { part = backwardSplat(i); }
  reduceCameraGrad(t, part); // workgroup-uniform: every thread of the group calls it
}

fn backwardSplat(i: u32) -> CameraGradPart {
  var part = CameraGradPart(vec3f(0.0), vec3f(0.0), 0.0);
  var g = array<f32, 10>();
  var hasGrad = false;
  for (var k = 0u; k < 10u; k++) {
    g[k] = gradProjectedFromSplat[10u * i + k];
    hasGrad = hasGrad || g[k] != 0.0;
  }
  let p = projectSplat(i);
  // A splat with no screen-space gradient has no parameter gradient; skipping it also avoids
  // 0 * inf = NaN from extreme splats that were projected but never blended.
  if (!p.visible || !hasGrad) {
    writeZeros(i);
    return part;
  }
  let W = cameraRotation(u);
  let z = p.xc.z;
  let fx = u.focal.x;
  let fy = u.focal.y;

  // Opacity: sigmoid' (times the compensation, when antialiased).
  gradParamsFlat[opacityOffset(u) + i] = g[5] * p.compensation * p.opacityRaw * (1.0 - p.opacityRaw);

  // Colour: the clamp at 0, then SH coefficients and the view direction.
  let dColor = select(vec3f(0.0), vec3f(g[6], g[7], g[8]), p.colorRaw > vec3f(0.0));
  let basis = shBasis(u.shDegree, p.dir);
  let basisGrad = shBasisGrad(u.shDegree, p.dir);
  var dDirUnit = vec3f(0.0);
  for (var k = 0u; k < u.shCoeffs; k++) {
    let o = shOffset(u) + (i * u.shCoeffs + k) * 3u;
    let dSh = basis[k] * dColor;
    gradParamsFlat[o] = dSh.x;
    gradParamsFlat[o + 1u] = dSh.y;
    gradParamsFlat[o + 2u] = dSh.z;
    dDirUnit += dot(shCoefficient(i, k), dColor) * basisGrad[k];
  }
  // d(unit dir)/d(dir) = (I - d d^T) / |dir|, dir = mean - centre.
  var dMean = (dDirUnit - p.dir * dot(p.dir, dDirUnit)) / p.dirLen;
  let dDir = dMean; // dL/d(mean - centre)

  // Conic = inverse(cov): dL/dcov = -Q G Q with G symmetric (B appears once in the power: halve it).
  let Q = mat2x2f(vec2f(p.conic.x, p.conic.y), vec2f(p.conic.y, p.conic.z));
  let G = mat2x2f(vec2f(g[2], 0.5 * g[3]), vec2f(0.5 * g[3], g[4]));
  var dCov = -1.0 * (Q * G * Q);
  // Antialiased: compensation = sqrt(det0 / det); d log(comp) = (d log det0 - d log det) / 2, and b
  // is shared by both off-diagonal entries.
  if (u.antialiased != 0u && p.det0 > 0.0) {
    let dComp = g[5] * p.opacityRaw * p.compensation * 0.5;
    let a = p.cov.x; let b = p.cov.y; let c = p.cov.z;
    let a0 = a - u.lowPass; let c0 = c - u.lowPass;
    let dOff = dComp * (-b / p.det0 + b / p.det);
    dCov += mat2x2f(vec2f(dComp * (c0 / p.det0 - c / p.det), dOff), vec2f(dOff, dComp * (a0 / p.det0 - a / p.det)));
  }
  // cov = T Sigma T^T.
  let dSigma = transpose(p.T) * dCov * p.T;
  let dT = 2.0 * dCov * p.T * p.sigma;
  // T = J W.
  let dJ = dT * transpose(W); // WGSL column-major: dJ[col][row]
  let dJ00 = dJ[0][0];
  let dJ11 = dJ[1][1];
  let dJ02 = dJ[2][0];
  let dJ12 = dJ[2][1];
  let z2 = z * z;
  let drxdx = select(1.0 / z, 0.0, p.clampedX);
  let drxdz = select(-p.xc.x / z2, 0.0, p.clampedX);
  let drydy = select(1.0 / z, 0.0, p.clampedY);
  let drydz = select(-p.xc.y / z2, 0.0, p.clampedY);
  var dXc = vec3f(0.0);
  dXc.z += dJ00 * (-fx / z2) + dJ11 * (-fy / z2);
  dXc.x += dJ02 * (-fx / z) * drxdx;
  dXc.z += dJ02 * (fx * p.rx / z2 - (fx / z) * drxdz);
  dXc.y += dJ12 * (-fy / z) * drydy;
  dXc.z += dJ12 * (fy * p.ry / z2 - (fy / z) * drydz);
  // Mean in pixels.
  dXc.x += g[0] * fx / z;
  dXc.y += g[1] * fy / z;
  dXc.z += -g[0] * fx * p.xc.x / z2 - g[1] * fy * p.xc.y / z2;
  // Expected depth's z_i is xc.z itself (0 unless the backward had a depth loss).
  dXc.z += g[9];
  // xc = W m + t.
  dMean += transpose(W) * dXc;
  let mo = meansOffset(u) + 3u * i;
  gradParamsFlat[mo] = dMean.x;
  gradParamsFlat[mo + 1u] = dMean.y;
  gradParamsFlat[mo + 2u] = dMean.z;
  if (CAMERA_GRAD) {
    // As the reference's addCameraGrad: xc = R m + t, T = J R (P = J^T dJ), C = -R^T t, f in J and uv.
    let tr = cameraTranslation(u);
    let a = p.xc - tr;
    let J = mat3x2f(vec2f(fx / z, 0.0), vec2f(0.0, fy / z), vec2f(-fx * p.rx / z, -fy * p.ry / z));
    let P = transpose(J) * dJ; // P[c][r] = math P_rc
    let rDir = W * dDir;
    part.omega = cross(a, dXc) + vec3f(P[1][2] - P[2][1], P[2][0] - P[0][2], P[0][1] - P[1][0]) + cross(rDir, tr);
    part.dt = dXc + rDir;
    part.logFocal = g[0] * fx * p.xc.x / z + g[1] * fy * p.xc.y / z + dJ00 * J[0][0] + dJ11 * J[1][1]
      + select(dJ02 * J[2][0], 0.0, p.clampedX) + select(dJ12 * J[2][1], 0.0, p.clampedY);
  }

  // Sigma = M M^T, M = R S.
  let dM = 2.0 * dSigma * p.M;
  let so = logScalesOffset(u) + 3u * i;
  gradParamsFlat[so] = dot(p.rot[0], dM[0]) * p.scale.x;
  gradParamsFlat[so + 1u] = dot(p.rot[1], dM[1]) * p.scale.y;
  gradParamsFlat[so + 2u] = dot(p.rot[2], dM[2]) * p.scale.z;
  let dR = mat3x3f(dM[0] * p.scale.x, dM[1] * p.scale.y, dM[2] * p.scale.z);
  // Row-major names: Rrc = dR[c][r].
  let R00 = dR[0][0]; let R01 = dR[1][0]; let R02 = dR[2][0];
  let R10 = dR[0][1]; let R11 = dR[1][1]; let R12 = dR[2][1];
  let R20 = dR[0][2]; let R21 = dR[1][2]; let R22 = dR[2][2];
  let w = p.q.x; let x = p.q.y; let y = p.q.z; let zq = p.q.w;
  let dq = 2.0 * vec4f(
    -zq * R01 + y * R02 + zq * R10 - x * R12 - y * R20 + x * R21,
    y * R01 + zq * R02 + y * R10 - 2.0 * x * R11 - w * R12 + zq * R20 + w * R21 - 2.0 * x * R22,
    -2.0 * y * R00 + x * R01 + w * R02 + x * R10 + zq * R12 - w * R20 + zq * R21 - 2.0 * y * R22,
    -2.0 * zq * R00 - w * R01 + x * R02 + w * R10 - 2.0 * zq * R11 + y * R12 + x * R20 + y * R21,
  );
  // Normalisation: d(q/|q|) = (I - q q^T) / |q|.
  let dQuat = (dq - p.q * dot(p.q, dq)) / p.qNorm;
  let qo = quatsOffset(u) + 4u * i;
  gradParamsFlat[qo] = dQuat.x;
  gradParamsFlat[qo + 1u] = dQuat.y;
  gradParamsFlat[qo + 2u] = dQuat.z;
  gradParamsFlat[qo + 3u] = dQuat.w;
  return part;
}
