/** The WebGPU viewer backend (loaded on demand by src/render/createSplatRenderer.ts). */
export { createWebGpuSplatRenderer, type DepthOrder, type WebGpuRenderTarget, type WebGpuSplatRenderer, type WebGpuSplatRendererOptions } from './webGpuSplatRenderer.ts';
export { cameraFromThree } from './cameraFromThree.ts';
