import { describe, expect, it } from 'vitest';
import { BLENDER_TEST, blenderSplits, dtuSplits, llffSplits } from '../../src/io/datasetSplits.ts';

describe('standard sparse-view splits', () => {
  it('DTU: 3/6/9 are prefixes of 25 22 28 40 44 48 0 8 13, 25 fixed test views', () => {
    const s = dtuSplits();
    expect(Object.keys(s).sort()).toEqual(['3', '6', '9']);
    expect(s['3'].train).toEqual(['025', '022', '028']);
    expect(s['9'].train).toEqual(['025', '022', '028', '040', '044', '048', '000', '008', '013']);
    expect(s['6'].test.map(Number)).toEqual([1, 2, 9, 10, 11, 12, 14, 15, 23, 24, 26, 27, 29, 30, 31, 32, 33, 34, 35, 41, 42, 43, 45, 46, 47]);
  });

  it('Blender: the DietNeRF 8 views, every 8th test view, subset-prefixed ids (r_16 is in both)', () => {
    const s = blenderSplits();
    expect(s['8'].train).toEqual(['r_26', 'r_86', 'r_2', 'r_55', 'r_75', 'r_93', 'r_16', 'r_73'].map((n) => `train_${n}`));
    expect(s['3'].train).toEqual(['train_r_26', 'train_r_86', 'train_r_2']);
    expect(BLENDER_TEST).toHaveLength(25);
    expect(s['8'].test[0]).toBe('test_r_0');
    expect(s['8'].test[24]).toBe('test_r_192');
    expect(s['8'].test).toContain('test_r_16');
  });

  it('LLFF fern (20 images): test 0, 8, 16 and inputs by np.linspace with Python rounding', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `image${String(i).padStart(3, '0')}`);
    const s = llffSplits(ids);
    expect(s['3'].test).toEqual(['image000', 'image008', 'image016']);
    // Same numbers as the RegNeRF/FreeNeRF code (checked against NumPy).
    expect(s['3'].train).toEqual(['image001', 'image010', 'image019']);
    expect(s['6'].train).toEqual(['image001', 'image004', 'image007', 'image012', 'image015', 'image019']);
    expect(s['9'].train).toEqual(['image001', 'image003', 'image005', 'image007', 'image010', 'image012', 'image014', 'image017', 'image019']);
  });

  it('LLFF rounding is half-to-even like Python round(): linspace(0, 5, 3)[1] = 2.5 -> 2', () => {
    const s = llffSplits(['a', 'b', 'c', 'd', 'e', 'f', 'g'], [3]);
    expect(s['3'].train).toEqual(['b', 'd', 'g']);
    expect(llffSplits(['a', 'b', 'c'], [3, 6, 9])).toEqual({});
  });
});
