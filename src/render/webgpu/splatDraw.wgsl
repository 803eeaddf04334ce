// Render pipelines splatDraw and splatBackground (viewer): the splats front to back, then the
// background under them. Expects the chunks rasterUniforms, projectedSplat and blend
// (src/gpu/kernels/chunks) and fullScreenTriangle, saturationTiles (this folder).
//
// splatDraw contract: one quad per visible splat as an indexed triangle list (not instances:
// SwiftShader, the software adapter of headless Chromium, pays microseconds per instance, which
// at 100k quads cost more than all their fragments). Vertex 4 k + c is corner c (x = c & 1,
// y = c >> 1) of the quad of depth rank k (nearest first; among equal keys the lower index
// first, the trainer's front-to-back walk); the index buffer (quadCornerFromIndex) makes the
// triangles (4k, 4k+1, 4k+2) and (4k+2, 4k+1, 4k+3), and each draw batch is a range of ranks.
// The quad is the rectangle of half-axes quadAxesFromSplat (chunk quadAxes: around the splat's
// alpha >= 1/255 ellipse, along its axes) around its centre, when that is smaller than the
// screen-aligned box of half-size quadHalfExtentFromSplat; else (round splats, whose rectangle
// is the box plus its 1% margin, and splats larger than twice the image) the box, clamped to one
// pixel beyond the image (which only drops pixels outside it, and keeps coordinates small). At depth
// 0.5, so pixels the saturation pass marked (depth 0) reject it before shading. A quad whose
// pixels lie in at most MAX_TESTED_TILES tiles, none of them open (tileOpenFromTile, chunk
// saturationTiles), is moved outside the clip volume: every pixel it covers is saturated, so
// it would be rejected anyway, and this way it is not even rasterized. The fragment at
// pixel centre (i + 0.5, j + 0.5) gets the trainer's alpha (chunk blend: min(ALPHA_MAX,
// opacity exp(power)), discarded when power > 0 or alpha < 1/255) and outputs premultiplied
// (color alpha, alpha) for the "under" blend src = one - dst alpha, dst = one on a target
// cleared to 0: after all splats, C = sum_i c_i a_i prod_{j<i} (1 - a_j), A = 1 - prod (1 - a_i).
//
// splatBackground contract: one full-screen triangle, blended the same way, outputs
// (background, 1): C + (1 - A) background, the trainer's composite, and A = 1.
//
// Unlike the trainer, a pixel does not stop at the first splat that would take transmittance
// below T_MIN: it stops at the end of the draw batch in which its alpha reached the saturation
// threshold (splatSaturation.wgsl). What the later splats add weighs less than 5e-4 per pixel.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> splatIdFromDepthRank: array<u32>;
@group(0) @binding(2) var<storage, read> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(3) var<storage, read> quadHalfExtentFromSplat: array<vec2f>;
@group(0) @binding(4) var<storage, read> quadAxesFromSplat: array<vec4f>;
@group(1) @binding(0) var<storage, read> tileOpenFromTile: array<u32>;

const MAX_TESTED_TILES: u32 = 16u;
const OUTSIDE_CLIP = vec4f(0.0, 0.0, 2.0, 1.0);

/** True when every tile holding a pixel centre of the box [lo, hi] (pixels) is saturated. */
fn boxSaturated(lo: vec2f, hi: vec2f, size: vec2f) -> bool {
  let grid = saturationTileGrid(vec2u(size));
  let tileLo = vec2u(clamp(floor(lo - 0.5), vec2f(0.0), size - 1.0)) / SATURATION_TILE;
  let tileHi = vec2u(clamp(ceil(hi - 0.5), vec2f(0.0), size - 1.0)) / SATURATION_TILE;
  let span = tileHi - tileLo + 1u;
  if (span.x * span.y > MAX_TESTED_TILES) { return false; }
  for (var ty = tileLo.y; ty <= tileHi.y; ty++) {
    for (var tx = tileLo.x; tx <= tileHi.x; tx++) {
      if (tileOpenFromTile[ty * grid.x + tx] != 0u) { return false; }
    }
  }
  return true;
}

struct SplatVarying {
  @builtin(position) position: vec4f,
  @location(0) @interpolate(flat) uvConicAB: vec4f,
  @location(1) @interpolate(flat) conicCOpacityDepth: vec4f,
  @location(2) @interpolate(flat) color: vec4f,
}

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> SplatVarying {
  let id = splatIdFromDepthRank[v >> 2u];
  let s = projectedFromSplat[id];
  let corner = vec2f(f32(v & 1u), f32((v >> 1u) & 1u)) * 2.0 - 1.0; // (-1,-1) (1,-1) (-1,1) (1,1)
  let size = vec2f(f32(u.width), f32(u.height));
  let extent = quadHalfExtentFromSplat[id];
  let axes = quadAxesFromSplat[id];
  var pixel = s.uvConicAB.xy + corner.x * axes.xy + corner.y * axes.zw;
  let h = vec2f(length(axes.xy), length(axes.zw));
  if (h.x * h.y >= extent.x * extent.y || max(h.x, h.y) > 2.0 * max(size.x, size.y)) {
    pixel = clamp(s.uvConicAB.xy + corner * extent, vec2f(-1.0), size + 1.0);
  }
  var out: SplatVarying;
  out.position = vec4f(2.0 * pixel.x / size.x - 1.0, 1.0 - 2.0 * pixel.y / size.y, 0.5, 1.0);
  // The same answer at all four corners (it depends on the splat only): the quad goes whole.
  if (boxSaturated(s.uvConicAB.xy - extent, s.uvConicAB.xy + extent, size)) { out.position = OUTSIDE_CLIP; }
  out.uvConicAB = s.uvConicAB;
  out.conicCOpacityDepth = s.conicCOpacityDepth;
  out.color = s.color;
  return out;
}

@fragment
fn fragmentMain(in: SplatVarying) -> @location(0) vec4f {
  let s = ProjectedSplat(in.uvConicAB, in.conicCOpacityDepth, in.color);
  let a = splatAlpha(s, in.position.xy);
  if (!a.hit) { discard; }
  return vec4f(s.color.xyz * a.alpha, a.alpha);
}

@vertex
fn vertexFullScreen(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  return fullScreenTriangle(v, 0.5);
}

@fragment
fn fragmentBackground() -> @location(0) vec4f {
  return vec4f(u.background.xyz, 1.0);
}
