// Chunk: depthBackwardOff (rasterizeBackward without a loss on depth).
// Declares: const DEPTH = false, binding 7 (dLdAlphaFromPixel: width*height f32), fn alphaGradOf(o)
// and fn depthGradOf (0), so the kernel's depth code compiles away. The depthBackward chunk is the
// variant with depth; both declare the same names.
const DEPTH: bool = false;

@group(0) @binding(7) var<storage, read> dLdAlphaFromPixel: array<f32>;

fn alphaGradOf(o: u32) -> f32 { return dLdAlphaFromPixel[o]; }

fn depthGradOf(o: u32) -> f32 { return 0.0; }
