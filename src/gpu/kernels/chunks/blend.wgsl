// Chunk: blend.
// Declares: ALPHA_MIN, ALPHA_MAX, T_MIN, struct SplatAlpha, fn splatAlpha.
// Contract (src/gpu/reference/rasterizeReference.ts): alpha = min(ALPHA_MAX, opacity exp(power)),
// skipped when power > 0 or alpha < ALPHA_MIN; blending stops before a splat that would bring
// transmittance below T_MIN. Forward and backward call this one function so they skip exactly
// the same splats.
//
// ALPHA_MAX is the largest f32 below 0.99, not f32(0.99) (which is above it): two clamped splats
// on one pixel leave T = (1 - 0.99)^2, exactly T_MIN in real arithmetic. The float64 reference
// rounds that to just above T_MIN and keeps blending; with f32(0.99) the GPU would round below
// and stop one splat early. With this constant the f32 product lands above f32(1e-4), as in the
// reference. The alpha it changes differs from 0.99 by 5e-8.
const ALPHA_MIN: f32 = 1.0 / 255.0;
const ALPHA_MAX: f32 = 0.98999995;
const T_MIN: f32 = 1e-4;

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
