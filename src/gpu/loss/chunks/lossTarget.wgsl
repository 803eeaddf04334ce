// Chunk: lossTarget.
// Declares: fn renderAt(p) -> vec3f, fn targetAt(p) -> vec3f (t', the target with its masked-out
//   background replaced by this step's background colour), fn maskAt(p) -> f32 (0 or 1).
// Expects (declared by the kernel, these names): `params: LossUniforms`;
//   `rgb: array<f32>`, the render, 3 interleaved floats per pixel (the rasterizer's layout);
//   `targetPixels: array<u32>`, one packed RGBA8 per pixel, R in the low byte, bytes / 255 used
//   as they are (sRGB values, no linearisation); when params.hasMask is 1 its A byte is the mask.
fn renderAt(p: u32) -> vec3f {
  return vec3f(rgb[3u * p], rgb[3u * p + 1u], rgb[3u * p + 2u]);
}

fn maskAt(p: u32) -> f32 {
  return select(0.0, 1.0, (targetPixels[p] >> 24u) >= 128u);
}

fn targetAt(p: u32) -> vec3f {
  let t = unpack4x8unorm(targetPixels[p]).xyz;
  if (params.hasMask == 0u) { return t; }
  return select(params.background.xyz, t, maskAt(p) > 0.5);
}
