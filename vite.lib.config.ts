/**
 * The embed library: `npm run build:lib` writes into dist-lib/
 * - splat-viewer.js: the <splat-viewer> element (importing it registers it), the stream loader and
 *   the decoder; no React;
 * - splat-viewer-r3f.js: <SplatStream> for @react-three/fiber scenes; React, react-dom, three and
 *   @react-three/fiber stay imports of the page's own copies (one React per page, one r3f canvas);
 * with their lazily loaded chunks (the WebGPU renderer) and the workers (stream decoding, the
 * WebGL2 sort) next to them. demo/embed.html shows the element in an ordinary page.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The page provides these (peer dependencies of the r3f entry). */
const PEERS = ['react', 'react-dom', 'three', '@react-three/fiber'];

export default defineConfig({
  // Workers and lazy chunks are found next to the module that loads them, wherever the page
  // serves the library from (the default '/' would look for them at the site's root).
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: 'dist-lib',
    emptyOutDir: true,
    lib: {
      entry: { 'splat-viewer': resolve(import.meta.dirname, 'src/embed/index.ts'), 'splat-viewer-r3f': resolve(import.meta.dirname, 'src/embed/r3f.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: { external: (id) => PEERS.some((p) => id === p || id.startsWith(`${p}/`)) },
  },
});
