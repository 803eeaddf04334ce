// Chunk: cameraGradOff (projectBackward without camera refinement).
// Declares: const CAMERA_GRAD = false, struct CameraGradPart, fn reduceCameraGrad (does nothing).
// The cameraGrad chunk is the variant that accumulates; both declare the same names.
const CAMERA_GRAD: bool = false;

struct CameraGradPart {
  omega: vec3f,
  dt: vec3f,
  logFocal: f32,
}

fn reduceCameraGrad(t: u32, part: CameraGradPart) {}
