/**
 * The embed library: `npx vite build --config vite.lib.config.ts` writes dist-lib/splat-viewer.js
 * (an ES module; importing it registers <splat-viewer>) with its lazily loaded chunks (the WebGPU
 * renderer) and the WebGL2 sort worker next to it. No React: the element, the stream loader and
 * decoder only. demo/embed.html shows it in an ordinary page.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: {
    outDir: 'dist-lib',
    emptyOutDir: true,
    lib: { entry: resolve(import.meta.dirname, 'src/embed/index.ts'), formats: ['es'], fileName: () => 'splat-viewer.js' },
  },
});
