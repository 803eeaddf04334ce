// Chunk: projectedSplat.
// Declares: struct ProjectedSplat, the per-splat record written by projectForward and read by
// both rasterize kernels (48 bytes). color is after the clamp at 0, as blended.
struct ProjectedSplat {
  uvConicAB: vec4f,        // u, v, conic A, conic B (power = -0.5 (A dx^2 + C dy^2) - B dx dy)
  conicCOpacityDepth: vec4f, // conic C, opacity, depth, power cutoff (see blend.wgsl)
  color: vec4f,            // r, g, b, unused
}
