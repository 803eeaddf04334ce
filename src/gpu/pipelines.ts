/**
 * Compute pipelines built from WGSL text, compiled once per device and shared by every sorter,
 * scan and rasterizer on that device (shader compilation is the slow part on software GPUs).
 *
 * WGSL has no #include: a kernel is its shared chunks followed by its own file, joined as text.
 * Each chunk states at its top what it declares and what it expects to be declared.
 */

const cache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function composeWgsl(...parts: string[]): string {
  return parts.join('\n');
}

/** Pipeline with an auto layout; `label` names the kernel in errors and profiles. */
export function computePipeline(device: GPUDevice, label: string, code: string, entryPoint = 'main'): GPUComputePipeline {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  const key = `${label}\u0000${entryPoint}\u0000${code}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ label, code });
    pipeline = device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint } });
    perDevice.set(key, pipeline);
  }
  return pipeline;
}

/** Bind group for group 0 of `pipeline`, bindings numbered in the order given. */
export function bindBuffers(device: GPUDevice, pipeline: GPUComputePipeline, label: string, buffers: GPUBuffer[]): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/**
 * WebGPU caps each dispatch dimension at 65535 workgroups: larger 1D grids are folded into 2D,
 * and kernels rebuild the linear workgroup index as wid.x + wid.y * num_workgroups.x
 * (see chunks/linearIndex.wgsl), skipping indices past the end.
 */
export function workgroupGrid(workgroups: number): [number, number] {
  if (workgroups <= 65535) return [Math.max(workgroups, 0), 1];
  const y = Math.ceil(workgroups / 65535);
  return [Math.ceil(workgroups / y), y];
}

export function dispatchLinear(pass: GPUComputePassEncoder, threads: number, workgroupSize: number): void {
  const [x, y] = workgroupGrid(Math.ceil(threads / workgroupSize));
  if (x > 0) pass.dispatchWorkgroups(x, y);
}

/**
 * One compute pass of `pipeline` over `threads` (workgroups of 256), its buffers bound in order as
 * group 0, submitted on its own: the small per-splat passes of the training extras.
 */
export function submitLinearPass(device: GPUDevice, pipeline: GPUComputePipeline, buffers: GPUBuffer[], threads: number): void {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindBuffers(device, pipeline, pipeline.label, buffers));
  dispatchLinear(pass, threads, 256);
  pass.end();
  device.queue.submit([enc.finish()]);
}
