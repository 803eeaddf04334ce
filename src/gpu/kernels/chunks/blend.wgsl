// Chunk: blend. Compose it as BLEND_WGSL (chunks/blend.ts), which puts the constants ALPHA_MIN,
// ALPHA_MAX and T_MIN of src/core/cloud/projection.ts before it.
// Declares: struct SplatAlpha, fn splatAlpha.
// Contract (src/gpu/reference/rasterizeReference.ts): alpha = min(ALPHA_MAX, opacity exp(power)),
// skipped when power > 0 or alpha < ALPHA_MIN; blending stops before a splat that would bring
// transmittance below T_MIN. Forward and backward call this one function so they skip exactly
// the same splats.
//
// ALPHA_MAX is the largest f32 below 0.99 (ALPHA_MAX_F32, see projection.ts for why).

struct SplatAlpha {
  hit: bool,      // contributes (power <= 0 and alpha >= ALPHA_MIN)
  alpha: f32,
  gauss: f32,     // exp(power)
  dx: f32,
  dy: f32,
  clamped: bool,  // opacity exp(power) > ALPHA_MAX: no gradient to opacity or shape
}

/**
 * Power below which a splat cannot reach ALPHA_MIN: ln(ALPHA_MIN / opacity), lowered by a margin
 * far above float32 rounding, so the early exit in splatAlpha only skips the exp() for pixels the
 * exact test would reject anyway (most pixels of a tile are outside most of its splats).
 */
fn powerCutoff(opacity: f32) -> f32 {
  return log(ALPHA_MIN / opacity) - 1e-3;
}

fn splatAlpha(s: ProjectedSplat, pixel: vec2f) -> SplatAlpha {
  var r: SplatAlpha;
  r.dx = pixel.x - s.uvConicAB.x;
  r.dy = pixel.y - s.uvConicAB.y;
  let power = -0.5 * (s.uvConicAB.z * r.dx * r.dx + s.conicCOpacityDepth.x * r.dy * r.dy) - s.uvConicAB.w * r.dx * r.dy;
  if (power < s.conicCOpacityDepth.w) {
    r.hit = false;
    return r;
  }
  r.gauss = exp(power);
  let raw = s.conicCOpacityDepth.y * r.gauss;
  r.alpha = min(ALPHA_MAX, raw);
  r.clamped = raw > ALPHA_MAX;
  r.hit = !(power > 0.0) && !(r.alpha < ALPHA_MIN);
  return r;
}
