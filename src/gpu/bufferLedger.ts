/**
 * Live GPU buffers of a device: createBuffer is wrapped to count each buffer's size, and each
 * buffer's destroy() to take it off again, so a soak run can see whether buffers pile up run
 * after run. Buffers dropped without destroy() stay counted (the garbage collector may free them
 * some day, but a loop that relies on it is what this is here to find). Textures are not counted.
 */
export interface BufferLedger {
  liveBytes(): number;
  liveBuffers(): number;
}

const ledgers = new WeakMap<GPUDevice, BufferLedger>();

/** The ledger of `device`, started on the first call (buffers made before it are not counted). */
export function trackBuffers(device: GPUDevice): BufferLedger {
  const known = ledgers.get(device);
  if (known) return known;
  let bytes = 0;
  let count = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor) => {
    const buffer = create(desc);
    bytes += buffer.size;
    count++;
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        bytes -= buffer.size;
        count--;
      }
      destroy();
    };
    return buffer;
  };
  const ledger = { liveBytes: () => bytes, liveBuffers: () => count };
  ledgers.set(device, ledger);
  return ledger;
}
