// Chunk: cameraGrad (projectBackward with camera refinement).
// Declares: const CAMERA_GRAD = true, struct CameraGradPart, fn reduceCameraGrad(t, part), and the
// bindings 4 (cameraGradFromView: 8 f32 a view, as atomic<u32> bit patterns) and 5 (cameraGradSlot:
// .x = the view whose 8 floats this backward adds into).
// Expects: the atomicAddF32 chunk bound to cameraGradFromView; a workgroup of 256 threads, every
// one calling reduceCameraGrad (it has barriers).
// Layout of a view's 8 floats: dL/d omega (3), dL/d dt (3), dL/d log f, padding (0), for
// R' = exp([omega]x) R, t' = t + dt, f' = e^s f (CAMERA_GRAD_FLOATS in projectReference.ts).
const CAMERA_GRAD: bool = true;
const CAMERA_GRAD_STRIDE: u32 = 8u;

struct CameraGradPart {
  omega: vec3f,
  dt: vec3f,
  logFocal: f32,
}

@group(0) @binding(4) var<storage, read_write> cameraGradFromView: array<atomic<u32>>;
@group(0) @binding(5) var<uniform> cameraGradSlot: vec4u;

var<workgroup> cameraGradFromThread: array<array<f32, 7>, 256>;

/** Tree sum of the 256 threads' parts in workgroup memory, then one float atomic add per component. */
fn reduceCameraGrad(t: u32, part: CameraGradPart) {
  cameraGradFromThread[t] = array<f32, 7>(part.omega.x, part.omega.y, part.omega.z, part.dt.x, part.dt.y, part.dt.z, part.logFocal);
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride = stride / 2u) {
    if (t < stride) {
      for (var k = 0u; k < 7u; k++) { cameraGradFromThread[t][k] += cameraGradFromThread[t + stride][k]; }
    }
    workgroupBarrier();
  }
  if (t < 7u) {
    let sum = cameraGradFromThread[0][t];
    if (sum != 0.0) { atomicAddF32(cameraGradSlot.x * CAMERA_GRAD_STRIDE + t, sum); }
  }
}
