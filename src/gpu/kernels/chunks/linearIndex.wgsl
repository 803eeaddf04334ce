// Chunk: linearIndex.
// Declares: fn linearWorkgroup(wid, nwg) -> u32.
// Contract: the host folds 1D grids of more than 65535 workgroups into 2D (pipelines.ts
// workgroupGrid); this undoes the fold. Kernels must skip indices past their end, because a
// folded grid can be slightly larger than asked for.
fn linearWorkgroup(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}
