// Chunk: depthBackward (rasterizeBackward with a loss on expected depth).
// Declares: const DEPTH = true, binding 7, fn alphaGradOf(o) and fn depthGradOf(o).
// Binding 7 holds two planes of width*height f32: dL/dalpha, then dL/ddepth. One binding, not a
// ninth: WebGPU guarantees only 8 storage buffers per shader stage, and the plain kernel uses 8
// (the rasterizer copies the two gradients into this buffer before the dispatch).
const DEPTH: bool = true;

@group(0) @binding(7) var<storage, read> dLdAlphaDepthFromPixel: array<f32>;

fn alphaGradOf(o: u32) -> f32 { return dLdAlphaDepthFromPixel[o]; }

fn depthGradOf(o: u32) -> f32 { return dLdAlphaDepthFromPixel[u.width * u.height + o]; }
