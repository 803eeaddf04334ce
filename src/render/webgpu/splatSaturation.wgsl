// Render pipeline splatSaturation (viewer): between two draw batches of splatDraw, marks the
// pixels that are saturated, so no later (farther) splat is shaded or blended there.
// Expects the chunk fullScreenTriangle.
//
// Contract: one full-screen triangle into the depth attachment only (compare always, write).
// Pixel (i, j) gets depth 0 when the accumulation texture's alpha there is at least
// SATURATED_ALPHA, and keeps its depth otherwise (discard). splatDraw's quads are at depth 0.5
// with compare "less", so they pass only where the depth is still the cleared 1.
// SATURATED_ALPHA = 1 - 2^-11, the largest float16 below 1 (the accumulation is rgba16float):
// transmittance at most 4.9e-4 is left, against the trainer's stop at T_MIN = 1e-4.
@group(0) @binding(0) var accumulation: texture_2d<f32>;

const SATURATED_ALPHA: f32 = 0.99951171875;

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  return fullScreenTriangle(v, 0.0);
}

@fragment
fn fragmentMain(@builtin(position) position: vec4f) {
  if (textureLoad(accumulation, vec2i(position.xy), 0).a < SATURATED_ALPHA) { discard; }
}
