import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
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

/**
 * The project's own model weights (a model it trains itself, at most 8 MB, committed next to its
 * manifest in models/: DESIGN.md): every models/*.onnx is served at /models/ by the dev server
 * and copied to dist/models/ by the build, so the app can load the repair prior from its own
 * origin. Third-party weights never live in models/, so nothing else is served.
 */
function ownModels(dir: string): Plugin {
  let outDir = '';
  return {
    name: 'own-models',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/models', serveFolder(dir, '/models', ['.onnx']));
    },
    configurePreviewServer(server) {
      server.middlewares.use('/models', serveFolder(resolve(outDir, 'models'), '/models', ['.onnx']));
    },
    async writeBundle() {
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.onnx'));
      if (files.length === 0) return;
      await mkdir(resolve(outDir, 'models'), { recursive: true });
      for (const f of files) await cp(resolve(dir, f), resolve(outDir, 'models', f));
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

function serveFolder(root: string, prefix = '/scenes', only?: string[]) {
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
    if (!st?.isFile() || (only && !only.includes(extname(file).toLowerCase()))) {
      res.statusCode = 404;
      return res.end(`not found: ${prefix}${rel}`);
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
  plugins: [
    react(), contentSecurityPolicy(), bundledScenes(resolve(import.meta.dirname, process.env.SCENES_DIR ?? 'scenes')),
    ownModels(resolve(import.meta.dirname, 'models')),
  ],
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
