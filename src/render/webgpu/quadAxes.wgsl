// Chunk: quadAxes (viewer). Declares fn quadAxes(cov, radius) -> vec4f: the half-axes
// (h1 e1, h2 e2) of the rectangle circumscribing the ellipse of Mahalanobis radius `radius`
// under Sigma2D = (a, b, c), along its eigenvectors, with a 1% + 1e-3 px margin.
// Contract: src/render/webgpu/quadAxes.ts (the reference; tests compare them).
const QUAD_AXIS_MARGIN: f32 = 1.01;

fn quadAxes(cov: vec3f, radius: f32) -> vec4f {
  let a = cov.x;
  let b = cov.y;
  let c = cov.z;
  let lambda1 = 0.5 * (a + c) + length(vec2f(0.5 * (a - c), b));
  let lambda2 = max((a * c - b * b) / lambda1, 0.0);
  var e = select(vec2f(b, lambda1 - a), vec2f(lambda1 - c, b), a >= c);
  let len = length(e);
  e = select(vec2f(1.0, 0.0), e / len, len > 0.0);
  let h1 = QUAD_AXIS_MARGIN * radius * sqrt(lambda1) + 1e-3;
  let h2 = QUAD_AXIS_MARGIN * radius * sqrt(lambda2) + 1e-3;
  return vec4f(h1 * e, h2 * vec2f(-e.y, e.x));
}
