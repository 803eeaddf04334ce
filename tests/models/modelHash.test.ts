/**
 * Every model file is verified by sha256 before it runs: createCheckedSession, the only place
 * that hands bytes to onnxruntime, refuses a file whose hash differs from its manifest's, before
 * onnxruntime sees it. A manifest without a hash (LPIPS: no canonical export) is run and its
 * hash recorded by the caller.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createCheckedSession, sha256Hex } from '../../src/models/onnxSession.ts';
import { LPIPS_MANIFEST } from '../../src/recon/evaluate/lpips.ts';
import { mseModelBytes } from './lpipsTestModels.ts';

describe('model files are verified by sha256 before they run', () => {
  it('a file whose hash differs from the manifest is refused, naming both hashes', async () => {
    const bytes = mseModelBytes();
    const manifest = { ...LPIPS_MANIFEST, sha256: '0'.repeat(64) };
    const err = await createCheckedSession(bytes, manifest, 'lpips.onnx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `lpips.onnx: is not the ${manifest.name} model file ${manifest.file}: its sha256 is ${await sha256Hex(bytes)}, expected ${'0'.repeat(64)}. Use the file the manifest names (models/${manifest.name}.json).`,
    );
  });

  it('the same file with its own hash in the manifest runs', async () => {
    const bytes = mseModelBytes();
    const s = await createCheckedSession(bytes, { ...LPIPS_MANIFEST, sha256: await sha256Hex(bytes) }, 'lpips.onnx');
    expect(s.session.inputNames.length).toBe(2);
    await s.session.release();
  });

  it('sha256Hex is the standard SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
