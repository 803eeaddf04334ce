// Chunk: fullScreenTriangle (viewer render passes that touch every pixel once).
// Declares: fn fullScreenTriangle(v, z): clip position of vertex v (0, 1, 2) of the triangle
// (-1,-1) (3,-1) (-1,3), which covers the whole clip square, at depth z.
fn fullScreenTriangle(v: u32, z: f32) -> vec4f {
  let p = vec2f(f32((v << 1u) & 2u), f32(v & 2u)); // (0,0) (2,0) (0,2)
  return vec4f(p * 2.0 - 1.0, z, 1.0);
}
