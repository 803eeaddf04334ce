// Chunk: depthForwardOff (rasterizeForward without expected depth).
// Declares: const DEPTH = false, fn writeDepth (does nothing), so the kernel's depth code compiles
// away. The depthForward chunk is the variant that renders depth; both declare the same names.
const DEPTH: bool = false;

fn writeDepth(o: u32, depth: f32) {}
