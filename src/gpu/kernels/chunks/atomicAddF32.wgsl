// Chunk: atomicAddF32 (a template: the host replaces TARGET_BUFFER with a binding's name).
// Declares: fn atomicAddF32(index: u32, value: f32).
// Expects: var<storage, read_write> TARGET_BUFFER: array<atomic<u32>>, holding f32 bit patterns.
// WebGPU has no float atomics. A compare-and-swap loop on the bit pattern is exact and lock-free:
// each retry re-reads the value another invocation just stored. The order of additions (and so
// the last bits of the sum) depends on scheduling; callers reduce inside the workgroup first so
// that contention, and the loop, stay short.
fn atomicAddF32(index: u32, value: f32) {
  var old = atomicLoad(&TARGET_BUFFER[index]);
  loop {
    let result = atomicCompareExchangeWeak(&TARGET_BUFFER[index], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (result.exchanged) { break; }
    old = result.old_value;
  }
}
