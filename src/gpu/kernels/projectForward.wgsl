// Kernel projectForward: one thread per splat. Projects the splat (chunk projectSplat), writes the
// record the rasterizer blends, its depth sort key, and the rectangle of tiles it can touch.
//
// Tile culling is exact, not a heuristic: a pixel is blended only if opacity exp(power) >=
// ALPHA_MIN, i.e. inside the ellipse of Mahalanobis radius r = sqrt(2 ln(opacity / ALPHA_MIN)),
// whose bounding box has half-extents r sqrt(Sigma2D_xx), r sqrt(Sigma2D_yy). The box is widened
// by 0.1% so that rounding can only add intersections (the rasterizer tests alpha anyway), never
// drop a pixel the reference blends.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> paramsFlat: array<f32>;
@group(0) @binding(2) var<storage, read_write> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(3) var<storage, read_write> depthKeyFromSplat: array<u32>;
@group(0) @binding(4) var<storage, read_write> tileRectFromSplat: array<vec4u>;
@group(0) @binding(5) var<storage, read_write> stats: array<atomic<u32>>;

const CULLED_KEY: u32 = 0xffffffffu;

fn isFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

/** Inclusive range of pixel indices whose centre (i + 0.5) lies in [centre - extent, centre + extent]. */
fn pixelSpan(centre: f32, extent: f32, size: u32) -> vec2i {
  let lo = clamp(ceil(centre - extent - 0.5), -1.0, f32(size));
  let hi = clamp(floor(centre + extent - 0.5), -1.0, f32(size));
  return vec2i(max(i32(lo), 0), min(i32(hi), i32(size) - 1));
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i >= u.splatCount) { return; }
  depthKeyFromSplat[i] = CULLED_KEY;
  tileRectFromSplat[i] = vec4u(0u);

  let p = projectSplat(i);
  if (!p.visible) { return; }
  let opacity = p.opacity;
  if (!(opacity >= ALPHA_MIN)) { return; }
  let radius = sqrt(2.0 * log(max(opacity / ALPHA_MIN, 1.0))) * 1.001;
  let extent = radius * sqrt(vec2f(p.cov.x, p.cov.z)) + 1e-3;
  if (!(isFinite(p.uv.x) && isFinite(p.uv.y) && isFinite(extent.x) && isFinite(extent.y))) { return; }
  let xs = pixelSpan(p.uv.x, extent.x, u.width);
  let ys = pixelSpan(p.uv.y, extent.y, u.height);
  if (xs.x > xs.y || ys.x > ys.y) { return; }

  projectedFromSplat[i] = ProjectedSplat(
    vec4f(p.uv, p.conic.x, p.conic.y),
    vec4f(p.conic.z, opacity, p.xc.z, powerCutoff(opacity)),
    vec4f(max(p.colorRaw, vec3f(0.0)), 0.0),
  );
  depthKeyFromSplat[i] = bitcast<u32>(p.xc.z); // z >= nearPlane > 0: the bit pattern orders as the float
  tileRectFromSplat[i] = vec4u(u32(xs.x) / TILE_SIZE, u32(ys.x) / TILE_SIZE, u32(xs.y) / TILE_SIZE + 1u, u32(ys.y) / TILE_SIZE + 1u);
  atomicAdd(&stats[0], 1u);
}
