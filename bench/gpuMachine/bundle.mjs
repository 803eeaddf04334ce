/**
 * node bench/gpuMachine/bundle.mjs [outDir=out/gpu-bench]
 *
 * Packs the training benchmarks for a machine with a real GPU but no npm (nor network): one
 * self-contained ES module each for bench:rasterizer, recon and bench:quality (WGSL inlined, as
 * Vite does), the `webgpu` package's Linux build (Dawn), and this machine's Node, compressed.
 * bench/gpuMachine/run.sh runs them there. ONNX paths (learned features, LPIPS, the prior, depth)
 * are left out: onnxruntime-web stays external, so rows that need a model are not run.
 * esbuild is the one Vite and tsx install (not a direct dependency); xz must be on the PATH.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const out = resolve(process.argv[2] ?? 'out/gpu-bench');
const wgslAsText = {
  name: 'wgsl-raw',
  setup(b) {
    b.onResolve({ filter: /\.wgsl\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)), namespace: 'wgsl' }));
    b.onLoad({ filter: /.*/, namespace: 'wgsl' }, async (a) => ({ contents: await readFile(a.path, 'utf8'), loader: 'text' }));
  },
};
for (const [entry, name] of [['bench/rasterizer.ts', 'rasterizer.mjs'], ['scripts/recon.ts', 'recon.mjs'], ['bench/quality.ts', 'quality.mjs']]) {
  await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: resolve(out, name),
    external: ['webgpu', 'onnxruntime-web', 'onnxruntime-node', '@techstark/opencv-js'], plugins: [wgslAsText], logLevel: 'warning',
    // Bundled CommonJS dependencies call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}
const webgpu = resolve(out, 'node_modules/webgpu');
mkdirSync(resolve(webgpu, 'dist/linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json']) copyFileSync(resolve('node_modules/webgpu', f), resolve(webgpu, f));
const xz = (from, to) => writeFileSync(to, execFileSync('xz', ['-6', '-T1', '-c', from], { maxBuffer: 1 << 30 }));
xz(resolve('node_modules/webgpu/dist/linux-x64/dawn.node'), resolve(out, 'dawn.node.xz'));
xz(process.execPath, resolve(out, 'node.xz'));
console.log(`wrote ${out} (${readFileSync(resolve(out, 'quality.mjs')).length} bytes of quality.mjs; Node ${process.version})`);
