// Chunk: depthForward (rasterizeForward that also renders expected depth).
// Declares: const DEPTH = true, fn writeDepth(o, depth), and binding 8, depthFromPixel:
// width*height f32, sum_i z_i alpha_i T_i (rasterizeReference.ts).
const DEPTH: bool = true;

@group(0) @binding(8) var<storage, read_write> depthFromPixel: array<f32>;

fn writeDepth(o: u32, depth: f32) { depthFromPixel[o] = depth; }
