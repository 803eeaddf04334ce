/** Reads an rgba8unorm texture back as tightly packed RGBA8, top row first (rows padded to 256 bytes on the GPU). */
export async function readRgba8(device: GPUDevice, texture: GPUTexture): Promise<Uint8Array> {
  const { width, height } = texture;
  const rowBytes = 4 * width;
  const paddedRow = Math.ceil(rowBytes / 256) * 256;
  const staging = device.createBuffer({ label: 'viewer pixels read-back', size: paddedRow * height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder({ label: 'viewer readPixels' });
  encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow: paddedRow, rowsPerImage: height }, [width, height]);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const padded = new Uint8Array(staging.getMappedRange());
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) out.set(padded.subarray(y * paddedRow, y * paddedRow + rowBytes), y * rowBytes);
  staging.unmap();
  staging.destroy();
  return out;
}
