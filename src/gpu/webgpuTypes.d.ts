// TypeScript's DOM lib declares the WebGPU interfaces but not the usage-flag constants
// (GPUBufferUsage, GPUMapMode, ...); @webgpu/types (a dependency of the `webgpu` package) has both.
/// <reference types="@webgpu/types" />
