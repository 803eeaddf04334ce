// Kernel radixSortSetup: a single thread before the passes of one sort. Reads the number of keys
// from wherever an earlier kernel left it (countSource[countIndex]), clamps it to the buffers'
// capacity, and writes the sort's parameters (n, blocks of SORT_BLOCK keys, length of the per-bin
// block counts) and the indirect dispatch size of the count and scatter kernels.
struct SortSetup {
  countIndex: u32,
  capacity: u32,
}
@group(0) @binding(0) var<uniform> setup: SortSetup;
@group(0) @binding(1) var<storage, read> countSource: array<u32>;
@group(0) @binding(2) var<storage, read_write> sortParams: array<u32>;
@group(0) @binding(3) var<storage, read_write> sortDispatch: array<u32>;

@compute @workgroup_size(1)
fn main() {
  let n = min(countSource[setup.countIndex], setup.capacity);
  let blocks = (n + SORT_BLOCK - 1u) / SORT_BLOCK;
  sortParams[0] = n;
  sortParams[1] = blocks;
  sortParams[2] = blocks * 16u;
  var y = 1u;
  if (blocks > 65535u) { y = (blocks + 65534u) / 65535u; }
  sortDispatch[0] = (blocks + y - 1u) / y;
  sortDispatch[1] = y;
  sortDispatch[2] = 1u;
}
