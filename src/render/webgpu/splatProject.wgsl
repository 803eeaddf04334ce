// Kernel splatProject (viewer): one thread per splat, for the camera of this frame.
// Expects the chunks rasterUniforms, sh, projectSplat, projectedSplat, blend, linearIndex, screenFootprint,
// quadAxes (this folder)
// (src/gpu/kernels/chunks, the trainer's own code: same EWA projection, 0.3 px low-pass,
// Mip-Splatting 2D filter when u.antialiased, SH colour).
//
// Contract: the splats the trainer's projectForward keeps are exactly the splats kept here (both
// cull with chunk screenFootprint: projectSplat visible, opacity >= ALPHA_MIN, finite centre and
// extent, the opacity-aware bounding box covers at least one pixel centre of the image). For each kept
// splat i: projectedFromSplat[i] is the trainer's ProjectedSplat record, quadHalfExtentFromSplat[i]
// the half-size in pixels of its screen-aligned box (the trainer's tile-culling box:
// Mahalanobis radius sqrt(2 ln(opacity / ALPHA_MIN)) x 1.001 times sqrt(Sigma2D diagonal), + 1e-3),
// quadAxesFromSplat[i] the half-axes of the oriented quad drawn for it (chunk quadAxes, same radius),
// depthKeyFromSplat[i] = bits of its camera-space z (ordered as the float, z > 0), and
// visibleSlotFromSplat[i] = 1; depthRange = (min, max) of those bits over the kept splats (the
// host sets it to (0xffffffff, 0) before the pass). Culled splats get CULLED_KEY and 0. The host
// then scans visibleSlotFromSplat (exclusive prefix sum) into each kept splat's slot in index order.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> paramsFlat: array<f32>;
@group(0) @binding(2) var<storage, read_write> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(3) var<storage, read_write> quadHalfExtentFromSplat: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> depthKeyFromSplat: array<u32>;
@group(0) @binding(5) var<storage, read_write> visibleSlotFromSplat: array<u32>;
@group(0) @binding(6) var<storage, read_write> depthRange: array<atomic<u32>, 2>;
@group(0) @binding(7) var<storage, read_write> quadAxesFromSplat: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i >= u.splatCount) { return; }
  depthKeyFromSplat[i] = CULLED_KEY;
  visibleSlotFromSplat[i] = 0u;

  let p = projectSplat(i);
  let f = screenFootprint(p);
  if (!f.kept) { return; }

  projectedFromSplat[i] = projectedSplatOf(p);
  quadHalfExtentFromSplat[i] = f.extent;
  quadAxesFromSplat[i] = quadAxes(p.cov, f.radius);
  let zBits = bitcast<u32>(p.xc.z); // z >= nearPlane > 0: the bit pattern orders as the float
  depthKeyFromSplat[i] = zBits;
  visibleSlotFromSplat[i] = 1u;
  atomicMin(&depthRange[0], zBits);
  atomicMax(&depthRange[1], zBits);
}
