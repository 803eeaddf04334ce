// Chunk: screenFootprint.
// Declares: struct ScreenFootprint, fn screenFootprint(p: SplatProjection) -> ScreenFootprint,
// fn isFiniteF32, fn pixelSpan, fn projectedSplatOf(p: SplatProjection) -> ProjectedSplat,
// const CULLED_KEY (the depth key of a splat not kept).
// Expects: the projectSplat, projectedSplat and blend chunks, `u: RasterUniforms`.
// Contract (exact, not a heuristic): a pixel is blended only if opacity exp(power) >= ALPHA_MIN,
// i.e. inside the ellipse of Mahalanobis radius r = sqrt(2 ln(opacity / ALPHA_MIN)), whose
// bounding box has half-extents r sqrt(Sigma2D_xx), r sqrt(Sigma2D_yy). The box is widened by
// 0.1% so that rounding can only add coverage (the blend tests alpha anyway), never drop a pixel
// the reference blends. A splat is kept when it is visible, reaches ALPHA_MIN, everything is
// finite and the box covers at least one pixel centre. The trainer's projectForward (tiles) and
// the viewer's splatProject (quads) both cull with this one function, so they keep the same splats.
const CULLED_KEY: u32 = 0xffffffffu;

struct ScreenFootprint {
  kept: bool,
  radius: f32,     // Mahalanobis radius of the alpha >= ALPHA_MIN ellipse (no margin)
  extent: vec2f,   // half-extents in pixels
  xs: vec2i,       // inclusive pixel columns covered
  ys: vec2i,       // inclusive pixel rows covered
}

fn isFiniteF32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

/** Inclusive range of pixel indices whose centre (i + 0.5) lies in [centre - extent, centre + extent]. */
fn pixelSpan(centre: f32, extent: f32, size: u32) -> vec2i {
  let lo = clamp(ceil(centre - extent - 0.5), -1.0, f32(size));
  let hi = clamp(floor(centre + extent - 0.5), -1.0, f32(size));
  return vec2i(max(i32(lo), 0), min(i32(hi), i32(size) - 1));
}

fn screenFootprint(p: SplatProjection) -> ScreenFootprint {
  var f: ScreenFootprint;
  f.kept = false;
  if (!p.visible || !(p.opacity >= ALPHA_MIN)) { return f; }
  f.radius = sqrt(2.0 * log(max(p.opacity / ALPHA_MIN, 1.0)));
  f.extent = 1.001 * f.radius * sqrt(vec2f(p.cov.x, p.cov.z)) + 1e-3;
  if (!(isFiniteF32(p.uv.x) && isFiniteF32(p.uv.y) && isFiniteF32(f.extent.x) && isFiniteF32(f.extent.y))) { return f; }
  f.xs = pixelSpan(p.uv.x, f.extent.x, u.width);
  f.ys = pixelSpan(p.uv.y, f.extent.y, u.height);
  f.kept = f.xs.x <= f.xs.y && f.ys.x <= f.ys.y;
  return f;
}

/** The record both rasterizers blend from, for a kept splat (colour clamped at 0, as blended). */
fn projectedSplatOf(p: SplatProjection) -> ProjectedSplat {
  return ProjectedSplat(
    vec4f(p.uv, p.conic.x, p.conic.y),
    vec4f(p.conic.z, p.opacity, p.xc.z, powerCutoff(p.opacity)),
    vec4f(max(p.colorRaw, vec3f(0.0)), 0.0),
  );
}
