/**
 * npx tsx scripts/prior/checkOnnx.ts <model.onnx> <check dir>
 * Runs the exported repair prior with onnxruntime-web (wasm, as the app's prior worker does) on
 * the inputs export.py saved, and prints the largest difference from PyTorch's output.
 * Exits 1 when it exceeds 1e-4 (float32 reordering differences are ~1e-6).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrt } from '../../src/models/onnxSession.ts';

const TOLERANCE = 1e-4;

async function main(): Promise<number> {
  const [modelPath, dir] = process.argv.slice(2);
  if (!modelPath || !dir) {
    console.error('usage: npx tsx scripts/prior/checkOnnx.ts <model.onnx> <check dir>');
    return 1;
  }
  const shapes = JSON.parse(readFileSync(join(dir, 'shapes.json'), 'utf8')) as Record<string, number[]>;
  const read = (k: string) => {
    const b = readFileSync(join(dir, `${k}.f32`));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
  const feeds = Object.fromEntries(['noisy', 'cond', 't'].map((k) => [k, new ort.Tensor('float32', read(k), shapes[k])]));
  const out = (await session.run(feeds)).x0;
  const ref = read('x0');
  let maxDiff = 0;
  const got = out.data as Float32Array;
  for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - ref[i]));
  console.log(`onnxruntime-web (wasm) vs PyTorch on [${shapes.x0.join(', ')}]: max abs diff ${maxDiff.toExponential(3)} (output dims [${out.dims.join(', ')}])`);
  return got.length === ref.length && maxDiff <= TOLERANCE ? 0 : 1;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
