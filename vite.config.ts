import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { APP_CSP, cspString } from './vite.csp.ts';

/**
 * A folder of the repo served at `urlPath` by the dev server and copied to dist/<urlPath> by the
 * build, which `vite preview` then serves (answering 404 for a missing file rather than the SPA's
 * index.html). `only` limits it to files with those extensions (the whole tree otherwise).
 * Two folders use it:
 * - the bundled scenes, `scenes/` (scene folders + index.json, written by `npm run
 *   scenes:generate`) at /scenes/; SCENES_DIR overrides the folder (development and tests with
 *   a scene set of their own);
 * - the project's own model weights (a model it trains itself, at most 8 MB, committed next to its
 *   manifest in models/): every models/*.onnx at /models/, so the app can load the repair prior
 *   from its own origin. Third-party weights never live in models/, so nothing else is served.
 */
function servedFolder(name: string, urlPath: string, dir: string, opts: { only?: string[]; whenMissing?: string } = {}): Plugin {
  const { only, whenMissing } = opts;
  let outDir = '';
  const keep = (f: string) => !only || only.includes(extname(f).toLowerCase());
  return {
    name,
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(urlPath, serveFolder(dir, urlPath, only));
    },
    configurePreviewServer(server) {
      server.middlewares.use(urlPath, serveFolder(resolve(outDir, '.' + urlPath), urlPath, only));
    },
    async writeBundle() {
      if (!(await stat(dir).catch(() => null))) {
        if (whenMissing) this.warn(`nothing served at ${urlPath}: ${dir} does not exist (${whenMissing})`);
        return;
      }
      if (!only) return cp(dir, resolve(outDir, '.' + urlPath), { recursive: true });
      const files = (await readdir(dir)).filter(keep);
      if (files.length === 0) return;
      await mkdir(resolve(outDir, '.' + urlPath), { recursive: true });
      for (const f of files) await cp(resolve(dir, f), resolve(outDir, '.' + urlPath, f));
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

function serveFolder(root: string, prefix: string, only?: string[]) {
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
    react(), contentSecurityPolicy(),
    servedFolder('bundled-scenes', '/scenes', resolve(import.meta.dirname, process.env.SCENES_DIR ?? 'scenes'), {
      whenMissing: 'run npm run scenes:generate',
    }),
    servedFolder('own-models', '/models', resolve(import.meta.dirname, 'models'), { only: ['.onnx'] }),
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
