/** The app's glossary (src/ui/glossary.ts): every term has a plain explanation; metrics say which way is better and what is good. */
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/ui/glossary.ts';

describe('glossary', () => {
  it('explains every term in at least a sentence', () => {
    for (const [id, { term, plain }] of Object.entries(GLOSSARY)) {
      expect(term.length, id).toBeGreaterThan(2);
      expect(plain.length, id).toBeGreaterThan(60);
      expect(plain, id).toMatch(/\.$/);
    }
  });

  it('says which way each metric is better, with numbers for what is good', () => {
    expect(GLOSSARY.psnr.plain).toMatch(/Higher is better.*\d+ dB/);
    expect(GLOSSARY.ssim.plain).toMatch(/Higher is better.*0\.\d/);
    expect(GLOSSARY.lpips.plain).toMatch(/Lower is better.*0\.\d/);
  });
});
