import { describe, expect, it } from 'vitest';
import { backends, loadFailures } from './backends.js';

describe('backend registry', () => {
  it('every registered backend loaded', () => {
    expect(loadFailures.map((f) => `${f.name}: ${String((f.error as Error)?.stack ?? f.error)}`)).toEqual([]);
  });

  it('lists the core, float32, tfjs (both engines, cpu and wasm), fast (1 and 2 threads) and gpu backends', () => {
    const names = backends.map((b) => b.name);
    const expectedNames = [
      'core',
      '@gcopt/float32',
      '@gcopt/tfjs',
      '@gcopt/tfjs tensor engine',
      '@gcopt/tfjs wasm',
      '@gcopt/core/fast js',
      '@gcopt/core/fast wasm-simd 2 threads',
      '@gcopt/core/gpu cpu',
      '@gcopt/core/gpu webasm',
    ];
    for (const expected of expectedNames) {
      expect(names).toContain(expected);
    }
  });
});
