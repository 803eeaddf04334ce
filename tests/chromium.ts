/**
 * The one headless Chromium every browser test uses: Debian's (/usr/bin/chromium, never a
 * downloaded one), with the flags of ../shared/GPU-TESTING.md. GPU_FLAGS give WebGPU and WebGL2
 * on SwiftShader; QUIET_FLAGS keep Chromium off the closed network.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const GPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'];
export const QUIET_FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const CHROMIUM_FLAGS = [...GPU_FLAGS, ...QUIET_FLAGS];
