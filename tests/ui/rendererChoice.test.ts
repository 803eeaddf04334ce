import { describe, expect, it } from 'vitest';
import { rendererChoice } from '../../src/ui/rendererChoice.ts';

describe('?renderer= in the address', () => {
  it('is auto when absent or empty', () => {
    expect(rendererChoice('')).toEqual({ choice: 'auto', problem: null });
    expect(rendererChoice('?scene=pebbles&renderer=')).toEqual({ choice: 'auto', problem: null });
  });

  it('names a backend, in any case', () => {
    expect(rendererChoice('?renderer=webgl2').choice).toBe('webgl2');
    expect(rendererChoice('?scene=x&renderer=WebGPU').choice).toBe('webgpu');
    expect(rendererChoice('?renderer=auto').choice).toBe('auto');
  });

  it('says what is wrong with anything else and uses auto', () => {
    expect(rendererChoice('?renderer=vulkan')).toEqual({ choice: 'auto', problem: '?renderer=vulkan is not a splat renderer; use auto, webgpu or webgl2. Using auto.' });
  });
});
