// Render pipeline splatSaturation (viewer): between two draw batches of splatDraw, marks the
// pixels that are saturated, so no later (farther) splat is shaded or blended there.
// Expects the chunks fullScreenTriangle and saturationTiles.
//
// Contract: one full-screen triangle into the depth attachment only (compare always, write).
// Pixel (i, j) gets depth 0 when the accumulation texture's alpha there is at least
// SATURATED_ALPHA, and keeps its depth otherwise (discard). splatDraw's quads are at depth 0.5
// with compare "less", so they pass only where the depth is still the cleared 1. A pixel that is
// not saturated also sets tileOpenFromTile[tile] = 1 for its SATURATION_TILE x SATURATION_TILE tile (the host
// clears the buffer to 0 before the pass), so splatDraw's vertex stage can drop a whole quad
// whose tiles are all saturated before it is rasterized at all.
// SATURATED_ALPHA = 1 - 2^-11, the largest float16 below 1 (the accumulation is rgba16float):
// transmittance at most 4.9e-4 is left, against the trainer's stop at T_MIN = 1e-4.
@group(0) @binding(0) var accumulation: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> tileOpenFromTile: array<u32>;

const SATURATED_ALPHA: f32 = 0.99951171875;

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  return fullScreenTriangle(v, 0.0);
}

@fragment
fn fragmentMain(@builtin(position) position: vec4f) {
  let pixel = vec2u(position.xy);
  if (textureLoad(accumulation, pixel, 0).a < SATURATED_ALPHA) {
    let tiles = saturationTileGrid(textureDimensions(accumulation));
    tileOpenFromTile[(pixel.y / SATURATION_TILE) * tiles.x + pixel.x / SATURATION_TILE] = 1u; // every writer stores 1
    discard;
  }
}
