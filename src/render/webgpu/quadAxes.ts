/**
 * The viewer's quad around a splat: the rectangle circumscribing the ellipse the splat can be
 * blended in (alpha >= 1/255: Mahalanobis radius r = sqrt(2 ln(opacity / ALPHA_MIN)) under the
 * 2D covariance Sigma = [[a, b], [b, c]]), oriented along Sigma's eigenvectors. A thin diagonal
 * splat's axis-aligned box is mostly empty; this one is not, and every rasterized fragment costs.
 *
 * Half-axes: h_k = 1.01 r sqrt(lambda_k) + 1e-3 px along unit eigenvectors e_k (lambda_1 >=
 * lambda_2, lambda_2 = det / lambda_1, which keeps precision for thin ellipses). The 1% margin
 * covers float32 error in the eigen-decomposition, so the rectangle never misses a pixel the
 * trainer blends. Returned as (h_1 e_1, h_2 e_2).
 *
 * This is the reference of splatProject.wgsl's quadAxesFromSplat (tests compare them).
 */
export const QUAD_AXIS_MARGIN = 1.01;

export function quadAxes(cov: readonly [number, number, number], radius: number): [number, number, number, number] {
  const [a, b, c] = cov;
  const mid = 0.5 * (a + c);
  const lambda1 = mid + Math.hypot(0.5 * (a - c), b);
  const lambda2 = Math.max((a * c - b * b) / lambda1, 0);
  // (lambda1 - c, b) and (b, lambda1 - a) both solve (Sigma - lambda1) e = 0; take the longer.
  let [ex, ey] = a >= c ? [lambda1 - c, b] : [b, lambda1 - a];
  const len = Math.hypot(ex, ey);
  [ex, ey] = len > 0 ? [ex / len, ey / len] : [1, 0];
  const h1 = QUAD_AXIS_MARGIN * radius * Math.sqrt(lambda1) + 1e-3;
  const h2 = QUAD_AXIS_MARGIN * radius * Math.sqrt(lambda2) + 1e-3;
  return [h1 * ex, h1 * ey, -h2 * ey, h2 * ex];
}

/** Sigma2D (a, b, c) from its inverse, the conic (A, B, C) that projected splats carry. */
export function covarianceFromConic(conicA: number, conicB: number, conicC: number): [number, number, number] {
  const det = conicA * conicC - conicB * conicB;
  return [conicC / det, -conicB / det, conicA / det];
}
