/**
 * The LPIPS runner's plumbing without the real weights: stand-in ONNX models with the manifest's
 * contract check that images reach the model as NCHW float32 in [-1, 1], render to in0 and photo
 * to in1, and that the output is read back; models that break the contract are refused with an
 * InputError naming what was expected; a model can come from bytes or a URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/core/errors.ts';
import { createImage, type RGBAImage } from '../../src/core/image.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { mse } from '../../src/core/metrics/index.ts';
import { LPIPS_MANIFEST, loadLpips, lpipsInput } from '../../src/recon/evaluate/lpips.ts';
import { sha256Hex } from '../../src/models/onnxSession.ts';
import { greyModelBytes, mseModelBytes, weightedSumModelBytes, wrongNamesModelBytes } from './lpipsTestModels.ts';

function randomImage(w: number, h: number, seed: number): RGBAImage {
  const rand = mulberry32(seed);
  const img = createImage(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor(rand() * 256); // alpha too: it must be ignored
  return img;
}

async function inputError(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(isInputError(e), `expected an InputError, got ${String(e)}`).toBe(true);
  return e as Error;
}

let server: Server | null = null;
afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

describe('LPIPS manifest', () => {
  it('describes AlexNet LPIPS: in0/in1 float32 [1, 3, height, width] in [-1, 1], out [1, 1, 1, 1], public sources', () => {
    expect(LPIPS_MANIFEST.inputs.map((t) => [t.name, t.type, t.shape])).toEqual([
      ['in0', 'float32', [1, 3, 'height', 'width']],
      ['in1', 'float32', [1, 3, 'height', 'width']],
    ]);
    expect(LPIPS_MANIFEST.outputs.map((t) => [t.name, t.shape])).toEqual([['out', [1, 1, 1, 1]]]);
    expect(LPIPS_MANIFEST.normalisation?.to).toEqual([-1, 1]);
    expect(LPIPS_MANIFEST.sources.every((s) => s.url.startsWith('https://'))).toBe(true);
    expect(LPIPS_MANIFEST.licence).toMatch(/BSD/);
  });
});

describe('lpipsInput', () => {
  it('lays RGB out as NCHW planes mapped from bytes to [-1, 1], alpha ignored', () => {
    const img = createImage(2, 1);
    img.data.set([0, 255, 51, 7, 255, 0, 102, 200]);
    expect(Array.from(lpipsInput(img))).toEqual([-1, 1, 1, -1, 51 / 255 * 2 - 1, 102 / 255 * 2 - 1].map(Math.fround));
  });
});

describe('loadLpips', () => {
  it('feeds the render to in0 and the photo to in1 as NCHW [-1, 1] and reads out', async () => {
    const w = 16, h = 12, n = 3 * w * h;
    const rand = mulberry32(3);
    const wa = Float32Array.from({ length: n }, () => rand() - 0.5);
    const wb = Float32Array.from({ length: n }, () => rand() - 0.5);
    const bytes = weightedSumModelBytes(wa, wb, h, w);
    const scorer = await loadLpips({ bytes, name: 'weighted.onnx' });
    const render = randomImage(w, h, 1), photo = randomImage(w, h, 2);
    // Expected, indexed independently: element (c, y, x) of NCHW is channel c of pixel (x, y).
    let expected = 0;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const e = (c * h + y) * w + x, p = (y * w + x) * 4 + c;
          expected += wa[e] * (render.data[p] / 127.5 - 1) + wb[e] * (photo.data[p] / 127.5 - 1);
        }
    const got = await scorer.score(render, photo);
    expect(got).toBeCloseTo(expected, 3);
    // Swapping the images changes the value: the order of the inputs matters and is checked.
    expect(Math.abs((await scorer.score(photo, render)) - expected)).toBeGreaterThan(0.1);
    expect(scorer.model).toEqual({ name: 'lpips-alex', file: 'weighted.onnx', sha256: await sha256Hex(bytes) });
    // A model with a fixed size refuses other sizes with a message, not a runtime shape error.
    const e = await inputError(scorer.score(randomImage(20, 12, 1), randomImage(20, 12, 2)));
    expect(e.message).toMatch(/only takes 16x12 images.*20x12/);
    await scorer.dispose();
  });

  it('runs a model with symbolic height and width at any size (identical images: 0)', async () => {
    const scorer = await loadLpips({ bytes: mseModelBytes(), name: 'mse.onnx' });
    const a = randomImage(64, 48, 5), b = randomImage(64, 48, 6);
    expect(await scorer.score(a, a)).toBe(0);
    expect(await scorer.score(a, b)).toBeCloseTo(4 * mse(a, b), 5);
    await scorer.dispose();
  });

  it('loads a model from a URL', async () => {
    const bytes = mseModelBytes();
    server = createServer((req, res) => {
      if (req.url === '/lpips.onnx') res.end(Buffer.from(bytes));
      else { res.statusCode = 404; res.end(); }
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const scorer = await loadLpips({ url: `${base}/lpips.onnx` });
    expect(scorer.model.file).toBe(`${base}/lpips.onnx`);
    const a = randomImage(16, 16, 1);
    expect(await scorer.score(a, a)).toBe(0);
    await scorer.dispose();
    const missing = await inputError(loadLpips({ url: `${base}/nope.onnx` }));
    expect(missing.message).toMatch(/HTTP 404/);
  });

  it('refuses a model with other input names, naming the expected ones', async () => {
    const e = await inputError(loadLpips({ bytes: wrongNamesModelBytes(), name: 'other.onnx' }));
    expect(e.message).toMatch(/^other\.onnx: is not a lpips-alex model/);
    expect(e.message).toMatch(/no input named "in0"/);
    expect(e.message).toMatch(/Expected input in0 float32 \[1, 3, height, width\], input in1 float32 \[1, 3, height, width\], output out float32 \[1, 1, 1, 1\]/);
  });

  it('refuses a model with other input shapes and bytes that are not a model', async () => {
    const grey = await inputError(loadLpips({ bytes: greyModelBytes(), name: 'grey.onnx' }));
    expect(grey.message).toMatch(/input "in0" has shape \[1, 1, height, width\], expected \[1, 3, height, width\]/);
    const junk = await inputError(loadLpips({ bytes: new TextEncoder().encode('not a model'), name: 'junk.onnx' }));
    expect(junk.message).toMatch(/^junk\.onnx: is not an ONNX model.*lpips_alex\.onnx/);
  });
});
