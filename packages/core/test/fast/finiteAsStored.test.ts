import { describe, expect, it } from 'vitest';
import { Adam_GC, NonFiniteGradientError } from '../../src/index.js';
import { createFastOptimizerSync, wasmSimdSupported } from '../../src/fast/index.js';

// 1e39 is finite as a float64 and +Infinity once stored as float32: the fast path judges what it stores
describe('the fast path judges gradients as stored', () => {
  const backends = wasmSimdSupported() ? (['wasm-simd', 'js'] as const) : (['js'] as const);
  it.each(backends)('float32 on %s: a gradient of 1e39 is refused and nothing changes', (backend) => {
    const fast = createFastOptimizerSync(
      Adam_GC({ lr: 0.1 }),
      [{ shape: [3, 4], init: new Float32Array(12).fill(0.5) }],
      {
        backend,
        threads: 1,
      },
    );
    try {
      fast.grads[0].fill(0.25);
      fast.grads[0][5] = 1e39;
      expect(fast.grads[0][5]).toBe(Infinity);
      expect(() => fast.step()).toThrow(NonFiniteGradientError);
      expect(Array.from(fast.params[0].value.data as Float32Array)).toEqual(new Array(12).fill(0.5));
      expect(fast.state.count).toBe(0);
    } finally {
      fast.dispose();
    }
  });

  it('float64: 1e39 is finite as stored, and the step takes it', () => {
    const fast = createFastOptimizerSync(Adam_GC({ lr: 0.1 }), [{ shape: [3, 4] }], { dtype: 'float64' });
    fast.grads[0].fill(0.25);
    fast.grads[0][5] = 1e39;
    fast.step();
    expect(fast.state.count).toBe(1);
  });
});
