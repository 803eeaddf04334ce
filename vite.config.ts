import { createReadStream } from 'node:fs';
import { cp, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { APP_CSP, cspString } from './vite.csp.ts';

/**
 * Bundled scenes: the repo's `scenes/` folder (scene folders + index.json, written by
 * `npm run scenes:generate`) is served at /scenes/ by the dev server and copied to
 * dist/scenes/ by the build, which `vite preview` then serves. SCENES_DIR overrides the folder
 * (development and tests with a scene set of their own).
 */
function bundledScenes(dir: string): Plugin {
  let outDir = '';
  return {
    name: 'bundled-scenes',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/scenes', serveFolder(dir));
    },
    configurePreviewServer(server) {
      // Answer 404 for missing scene files instead of the SPA's index.html.
      server.middlewares.use('/scenes', serveFolder(resolve(outDir, 'scenes')));
    },
    async writeBundle() {
      if (await stat(dir).catch(() => null)) await cp(dir, resolve(outDir, 'scenes'), { recursive: true });
      else this.warn(`no bundled scenes: ${dir} does not exist (run npm run scenes:generate)`);
    },
  };
}

const MIME: Record<string, string> = {
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.zip': 'application/zip',
  '.bin': 'application/octet-stream',
};

function serveFolder(root: string) {
  return async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let rel: string;
    try {
      rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      res.statusCode = 400;
      return res.end('bad path');
    }
    const file = resolve(root, '.' + rel);
    const st = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
    if (!st?.isFile()) {
      res.statusCode = 404;
      return res.end(`not found: /scenes${rel}`);
    }
    res.setHeader('Content-Type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Content-Length', st.size);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };
}

/** The strict policy of vite.csp.ts as the built page's first <meta> (build only; see there why). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: cspString(APP_CSP) }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), bundledScenes(resolve(import.meta.dirname, process.env.SCENES_DIR ?? 'scenes'))],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    // three.js and @react-three/* are one big vendor chunk (~1 MB minified); that is expected.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'three', test: /node_modules[\\/](three|@react-three|three-stdlib|three-mesh-bvh|camera-controls|maath)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
});
