// Chunk: rasterUniforms.
// Declares: struct RasterUniforms (packed by src/gpu/rasterUniforms.ts; keep both in step),
// const TILE_SIZE, and helpers for the flat parameter layout.
// Contract: camera is OpenCV world-to-camera (src/core/camera.ts); rows of R with t in .w;
// pixel centres at i + 0.5. Parameters live in one flat f32 buffer, sections sized by
// splatCapacity: means 3C | logScales 3C | quats 4C (w x y z) | opacityLogits C | sh 3KC
// ([splat][k][rgb]); gradients use the same layout, so an optimiser can walk one array.
const TILE_SIZE: u32 = 16u;

struct RasterUniforms {
  camRow0: vec4f,
  camRow1: vec4f,
  camRow2: vec4f,
  camCenter: vec4f,
  focal: vec4f,       // fx, fy, cx, cy
  limits: vec4f,      // x/z and y/z clamp of the 30%-widened frustum: +x, -x, +y, -y (all >= 0)
  background: vec4f,  // rgb
  lowPass: f32,
  nearPlane: f32,
  width: u32,
  height: u32,
  splatCount: u32,
  shDegree: u32,
  shCoeffs: u32,      // K = (degree + 1)^2
  tilesX: u32,
  tilesY: u32,
  splatCapacity: u32,
  intersectionCapacity: u32,
  antialiased: u32,  // 1: Mip-Splatting 2D filter (opacity compensation for the low-pass)
}

fn meansOffset(u: RasterUniforms) -> u32 { return 0u; }
fn logScalesOffset(u: RasterUniforms) -> u32 { return 3u * u.splatCapacity; }
fn quatsOffset(u: RasterUniforms) -> u32 { return 6u * u.splatCapacity; }
fn opacityOffset(u: RasterUniforms) -> u32 { return 10u * u.splatCapacity; }
fn shOffset(u: RasterUniforms) -> u32 { return 11u * u.splatCapacity; }

/** World-to-camera rotation as a WGSL (column-major) matrix equal to the math matrix R. */
fn cameraRotation(u: RasterUniforms) -> mat3x3f {
  return transpose(mat3x3f(u.camRow0.xyz, u.camRow1.xyz, u.camRow2.xyz));
}
fn cameraTranslation(u: RasterUniforms) -> vec3f {
  return vec3f(u.camRow0.w, u.camRow1.w, u.camRow2.w);
}
