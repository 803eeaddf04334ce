// Kernel projectForward: one thread per splat. Projects the splat (chunk projectSplat), writes the
// record the rasterizer blends, its depth sort key, and the rectangle of tiles it can touch.
//
// Culling: chunk screenFootprint (exact: the ellipse where alpha can reach ALPHA_MIN).
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> paramsFlat: array<f32>;
@group(0) @binding(2) var<storage, read_write> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(3) var<storage, read_write> depthKeyFromSplat: array<u32>;
@group(0) @binding(4) var<storage, read_write> tileRectFromSplat: array<vec4u>;
@group(0) @binding(5) var<storage, read_write> stats: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i >= u.splatCount) { return; }
  depthKeyFromSplat[i] = CULLED_KEY;
  tileRectFromSplat[i] = vec4u(0u);

  let p = projectSplat(i);
  let f = screenFootprint(p);
  if (!f.kept) { return; }
  let xs = f.xs;
  let ys = f.ys;

  projectedFromSplat[i] = projectedSplatOf(p);
  depthKeyFromSplat[i] = bitcast<u32>(p.xc.z); // z >= nearPlane > 0: the bit pattern orders as the float
  tileRectFromSplat[i] = vec4u(u32(xs.x) / TILE_SIZE, u32(ys.x) / TILE_SIZE, u32(xs.y) / TILE_SIZE + 1u, u32(ys.y) / TILE_SIZE + 1u);
  atomicAdd(&stats[0], 1u);
}
