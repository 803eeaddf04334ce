// Chunk: projectSplat.
// Declares: struct SplatProjection, fn quatToRotation, fn projectSplat(i) -> SplatProjection.
// Expects: rasterUniforms and sh chunks; bindings `u: RasterUniforms` (uniform) and
// `paramsFlat: array<f32>` (layout in rasterUniforms).
// Contract: exactly src/gpu/reference/projectReference.ts, in f32. Sigma = R S S^T R^T;
// Sigma2D = T Sigma T^T + lowPass I with T = J W, J taken at the camera-space mean with x/z and
// y/z clamped to the 30%-widened frustum; invisible when z < nearPlane, |q| = 0 or det <= 0
// (every test is written so that NaN also means invisible). opacity = sigmoid(logit), times
// compensation = sqrt(max(det0, 0) / det) when u.antialiased (det0: before the low-pass). Both projectForward and
// projectBackward call this, so the backward sees the very values the forward used.
struct SplatProjection {
  visible: bool,
  mean: vec3f,
  xc: vec3f,          // camera-space mean
  q: vec4f,           // normalised quaternion (w, x, y, z)
  qNorm: f32,
  rot: mat3x3f,
  scale: vec3f,
  M: mat3x3f,         // rot * diag(scale)
  sigma: mat3x3f,
  rx: f32,            // clamped x/z
  ry: f32,
  clampedX: bool,
  clampedY: bool,
  T: mat3x2f,         // J W (2 rows, 3 columns)
  cov: vec3f,         // a, b, c of Sigma2D, low-pass included
  det: f32,
  det0: f32,          // determinant before the low-pass
  conic: vec3f,       // A, B, C
  uv: vec2f,
  opacity: f32,       // opacityRaw * compensation: what is blended
  opacityRaw: f32,    // sigmoid(logit)
  compensation: f32,  // 1 unless antialiased
  dir: vec3f,         // unit direction camera centre -> mean
  dirLen: f32,
  colorRaw: vec3f,    // before the clamp at 0
}

/** Rotation of a unit quaternion (w, x, y, z), as the reference's row-major quatToRotation. */
fn quatToRotation(q: vec4f) -> mat3x3f {
  let w = q.x; let x = q.y; let y = q.z; let z = q.w;
  // Columns of the math matrix.
  return mat3x3f(
    vec3f(1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y + w * z), 2.0 * (x * z - w * y)),
    vec3f(2.0 * (x * y - w * z), 1.0 - 2.0 * (x * x + z * z), 2.0 * (y * z + w * x)),
    vec3f(2.0 * (x * z + w * y), 2.0 * (y * z - w * x), 1.0 - 2.0 * (x * x + y * y)),
  );
}

fn shCoefficient(i: u32, k: u32) -> vec3f {
  let o = shOffset(u) + (i * u.shCoeffs + k) * 3u;
  return vec3f(paramsFlat[o], paramsFlat[o + 1u], paramsFlat[o + 2u]);
}

fn projectSplat(i: u32) -> SplatProjection {
  var p: SplatProjection;
  p.visible = false;
  let mo = meansOffset(u) + 3u * i;
  p.mean = vec3f(paramsFlat[mo], paramsFlat[mo + 1u], paramsFlat[mo + 2u]);
  let W = cameraRotation(u);
  p.xc = W * p.mean + cameraTranslation(u);
  let z = p.xc.z;
  if (!(z >= u.nearPlane)) { return p; }

  let qo = quatsOffset(u) + 4u * i;
  let qr = vec4f(paramsFlat[qo], paramsFlat[qo + 1u], paramsFlat[qo + 2u], paramsFlat[qo + 3u]);
  p.qNorm = length(qr);
  if (!(p.qNorm > 0.0)) { return p; }
  p.q = qr / p.qNorm;
  p.rot = quatToRotation(p.q);
  let so = logScalesOffset(u) + 3u * i;
  p.scale = exp(vec3f(paramsFlat[so], paramsFlat[so + 1u], paramsFlat[so + 2u]));
  p.M = mat3x3f(p.rot[0] * p.scale.x, p.rot[1] * p.scale.y, p.rot[2] * p.scale.z);
  p.sigma = p.M * transpose(p.M);

  let fx = u.focal.x; let fy = u.focal.y;
  let rx0 = p.xc.x / z;
  let ry0 = p.xc.y / z;
  p.rx = min(u.limits.x, max(-u.limits.y, rx0));
  p.ry = min(u.limits.z, max(-u.limits.w, ry0));
  p.clampedX = p.rx != rx0;
  p.clampedY = p.ry != ry0;
  let J = mat3x2f(vec2f(fx / z, 0.0), vec2f(0.0, fy / z), vec2f(-fx * p.rx / z, -fy * p.ry / z));
  p.T = J * W;
  let cov = p.T * p.sigma * transpose(p.T);
  let a = cov[0][0] + u.lowPass;
  let b = cov[1][0];
  let c = cov[1][1] + u.lowPass;
  p.cov = vec3f(a, b, c);
  p.det = a * c - b * b;
  if (!(p.det > 0.0)) { return p; }
  p.conic = vec3f(c / p.det, -b / p.det, a / p.det);
  p.uv = vec2f(fx * p.xc.x / z + u.focal.z, fy * p.xc.y / z + u.focal.w);
  p.det0 = cov[0][0] * cov[1][1] - b * b;
  p.compensation = 1.0;
  if (u.antialiased != 0u) { p.compensation = sqrt(max(p.det0, 0.0) / p.det); }
  p.opacityRaw = 1.0 / (1.0 + exp(-paramsFlat[opacityOffset(u) + i]));
  p.opacity = p.opacityRaw * p.compensation;

  let dir = p.mean - u.camCenter.xyz;
  p.dirLen = length(dir);
  p.dir = dir / p.dirLen;
  let basis = shBasis(u.shDegree, p.dir);
  var color = vec3f(0.5);
  for (var k = 0u; k < u.shCoeffs; k++) {
    color += basis[k] * shCoefficient(i, k);
  }
  p.colorRaw = color;
  p.visible = true;
  return p;
}
