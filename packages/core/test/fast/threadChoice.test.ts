import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Adam_GC } from '../../src/index.js';
import { createFastOptimizerSync, wasmSimdSupported } from '../../src/fast/index.js';
import { autoThreads, PARAMS_PER_THREAD } from '../../src/fast/threads/threadChoice.js';

describe('the default thread count', () => {
  it('is one thread per PARAMS_PER_THREAD parameters, at least one, at most every core', () => {
    expect(autoThreads(8, 0)).toBe(1);
    expect(autoThreads(8, 203_530)).toBe(1); // the demo's 784-256-10 MLP
    expect(autoThreads(8, 2 * PARAMS_PER_THREAD - 1)).toBe(1);
    expect(autoThreads(8, 2 * PARAMS_PER_THREAD)).toBe(2);
    expect(autoThreads(8, 25_557_032)).toBe(8); // ResNet-50
    expect(autoThreads(1, 25_557_032)).toBe(1);
  });

  it.runIf(wasmSimdSupported())('runs a small model on one thread unless asked, and says why', () => {
    const specs = [{ shape: [256, 784] }, { shape: [256] }];
    const auto = createFastOptimizerSync(Adam_GC({ lr: 1e-3 }), specs, { backend: 'wasm-simd' });
    const asked = createFastOptimizerSync(Adam_GC({ lr: 1e-3 }), specs, { backend: 'wasm-simd', threads: 2 });
    try {
      expect(auto.threads).toBe(1);
      if (availableParallelism() > 1) expect(auto.note).toMatch(/^1 of \d+ threads for 200960 parameters/);
      expect(asked.threads).toBe(2);
      expect(asked.note).toBe('');
    } finally {
      auto.dispose();
      asked.dispose();
    }
  });
});

describe('past WebAssembly’s 4 GiB', () => {
  it.runIf(wasmSimdSupported())("backend 'wasm-simd' is refused up front, before anything is allocated", () => {
    // 300M parameters of Adam: p, g, m, v = 4.8 GB (the error names the bytes it would need)
    const specs = [{ shape: [300, 1_000_000] }];
    expect(() => createFastOptimizerSync(Adam_GC({ lr: 1e-3 }), specs, { backend: 'wasm-simd' })).toThrow(
      /backend.*4800000000 bytes, past the 4 GiB a WebAssembly memory holds/,
    );
  });
});
