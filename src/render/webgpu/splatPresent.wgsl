// Render pipeline splatPresent (viewer): copies the frame's float accumulation texture
// (rgba16float, premultiplied, opaque once the background is in) to a display target of the
// same size: canvas (bgra8unorm / rgba8unorm) or the RGBA8 read-back texture. One full-screen
// triangle; pixel (i, j) reads texel (i, j) exactly; unorm targets clamp to [0, 1] and round.
// Expects the chunk fullScreenTriangle.
@group(0) @binding(0) var frame: texture_2d<f32>;

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  return fullScreenTriangle(v, 0.0);
}

@fragment
fn fragmentMain(@builtin(position) position: vec4f) -> @location(0) vec4f {
  return textureLoad(frame, vec2i(position.xy), 0);
}
