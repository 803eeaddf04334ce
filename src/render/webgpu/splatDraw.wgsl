// Render pipeline splatDraw (viewer): one instanced quad per visible splat, drawn back to front.
// Expects the chunks rasterUniforms, projectedSplat and blend (src/gpu/kernels/chunks).
//
// Contract: instance k draws the splat of depth rank visibleCount - 1 - k (farthest first; among
// equal depths the higher index first, so the lower index ends up in front, as in the trainer's
// front-to-back walk). The quad is the splat's screen-aligned box of half-size
// quadHalfExtentFromSplat around its centre (clamped to one pixel beyond the image, which only
// drops pixels outside it). The fragment at pixel centre (i + 0.5, j + 0.5) gets the trainer's
// alpha (chunk blend: min(ALPHA_MAX, opacity exp(power)), discarded when power > 0 or
// alpha < 1/255) and outputs premultiplied (color alpha, alpha) for the blend state
// src = one, dst = one - src alpha ("over", back to front) on a target cleared to the opaque
// background: result = sum_i c_i a_i prod_{j<i} (1 - a_j) + background prod_i (1 - a_i).
// Unlike the trainer there is no early stop at transmittance 1e-4: what it would drop weighs
// less than 1e-4 per pixel.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> splatIdFromDepthRank: array<u32>;
@group(0) @binding(2) var<storage, read> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(3) var<storage, read> quadHalfExtentFromSplat: array<vec2f>;
@group(0) @binding(4) var<storage, read> visibleCount: array<u32>;

struct SplatVarying {
  @builtin(position) position: vec4f,
  @location(0) @interpolate(flat) uvConicAB: vec4f,
  @location(1) @interpolate(flat) conicCOpacityDepth: vec4f,
  @location(2) @interpolate(flat) color: vec4f,
}

@vertex
fn vertexMain(@builtin(vertex_index) v: u32, @builtin(instance_index) k: u32) -> SplatVarying {
  let id = splatIdFromDepthRank[visibleCount[0] - 1u - k];
  let s = projectedFromSplat[id];
  let corner = vec2f(f32(v & 1u), f32(v >> 1u)) * 2.0 - 1.0; // triangle strip (-1,-1) (1,-1) (-1,1) (1,1)
  let size = vec2f(f32(u.width), f32(u.height));
  let pixel = clamp(s.uvConicAB.xy + corner * quadHalfExtentFromSplat[id], vec2f(-1.0), size + 1.0);
  var out: SplatVarying;
  out.position = vec4f(2.0 * pixel.x / size.x - 1.0, 1.0 - 2.0 * pixel.y / size.y, 0.0, 1.0);
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
