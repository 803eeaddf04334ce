// Kernel intersectionSetup: a single thread, between the scan of per-splat tile counts and the
// emission. Records the true number of intersections for the host (stats[1]), clamps it to the
// allocated capacity for the kernels that follow (intersectionParams[0]), flags overflow
// (stats[2]) so the host re-runs with bigger buffers instead of using a truncated list, and
// writes the indirect dispatch size of tileRanges (one thread per intersection).
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> intersectionTotal: array<u32>;
@group(0) @binding(2) var<storage, read_write> intersectionParams: array<u32>;
@group(0) @binding(3) var<storage, read_write> tileRangesDispatch: array<u32>;
@group(0) @binding(4) var<storage, read_write> stats: array<u32>;

@compute @workgroup_size(1)
fn main() {
  let total = intersectionTotal[0];
  let count = min(total, u.intersectionCapacity);
  stats[1] = total;
  stats[2] = select(0u, 1u, total > u.intersectionCapacity);
  intersectionParams[0] = count;
  let groups = (count + 255u) / 256u;
  var y = 1u;
  if (groups > 65535u) { y = (groups + 65534u) / 65535u; }
  tileRangesDispatch[0] = (groups + y - 1u) / y;
  tileRangesDispatch[1] = y;
  tileRangesDispatch[2] = 1u;
}
