import { describe, expect, it } from 'vitest';
import { Adam_GC, NonFiniteGradientError, SGD_GC, cloneState, type Optimizer } from '../../src/index.js';
import { createFastOptimizerSync, type FastParamSpec } from '../../src/fast/index.js';

// The scan reads each gradient once for both the finiteness check and GC's channel sums; without a
// coupled decay term the check is carried by the float64 sums, with one it is made on g per element.
// Every layout the scan splits differently, on both sides of that choice, on 1 and 2 threads.

const LAYOUTS: { label: string; spec: FastParamSpec }[] = [
  { label: 'channels first, odd rows', spec: { shape: [6, 13] } },
  { label: 'channels first, one block per row', spec: { shape: [3, 40000] } },
  { label: 'output axis last', spec: { shape: [13, 6], outAxis: 1 } },
  { label: 'output axis last, several slice ranges', spec: { shape: [3000, 41], outAxis: 1 } },
  { label: 'output axis in the middle', spec: { shape: [3, 7, 5], outAxis: 1 } },
  { label: 'rank 1 (no GC: plain check)', spec: { shape: [37] } },
];

const OPTIMIZERS: { label: string; make: () => Optimizer }[] = [
  { label: 'no decay (checked by the sums)', make: () => Adam_GC({ lr: 0.01 }) },
  { label: 'coupled decay (checked per element)', make: () => SGD_GC({ lr: 0.01, momentum: 0.9, weightDecay: 0.1 }) },
];

function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed + i * 0.37) + 0.25;
  return out;
}

describe.each(OPTIMIZERS)('the scan, $label', ({ make }) => {
  describe.each(LAYOUTS)('$label', ({ spec }) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const positions = [0, 1, Math.floor(size / 2), size - 2, size - 1];

    for (const threads of [1, 2]) {
      it.each([
        ['NaN', Number.NaN],
        ['+Infinity', Number.POSITIVE_INFINITY],
        ['-Infinity', Number.NEGATIVE_INFINITY],
      ])(`rejects %s anywhere before changing anything (${threads} thread(s))`, (_name, bad) => {
        const fast = createFastOptimizerSync(make(), [{ ...spec, init: filled(size, 1), name: 'w' }], { threads });
        try {
          fast.grads[0].set(filled(size, 2));
          fast.step();
          for (const at of positions) {
            const params = (fast.params[0].value.data as Float32Array).slice();
            const state = cloneState(fast.state);
            fast.grads[0].set(filled(size, 3));
            fast.grads[0][at] = bad;
            let error: unknown;
            try {
              fast.step();
            } catch (e) {
              error = e;
            }
            expect(error, `element ${at}`).toBeInstanceOf(NonFiniteGradientError);
            expect((error as NonFiniteGradientError).elementIndex).toBe(at);
            expect(fast.params[0].value.data).toEqual(params);
            expect(cloneState(fast.state)).toEqual(state);
          }
        } finally {
          fast.dispose();
        }
      });
    }

    it('rejects +Infinity and -Infinity in the same channel (their sum is NaN, not 0)', () => {
      const fast = createFastOptimizerSync(make(), [{ ...spec, init: filled(size, 1) }], { threads: 1 });
      fast.grads[0].set(filled(size, 2));
      fast.grads[0][0] = Number.POSITIVE_INFINITY;
      fast.grads[0][size - 1] = Number.NEGATIVE_INFINITY;
      expect(() => fast.step()).toThrow(NonFiniteGradientError);
      expect(fast.state.count).toBe(0);
    });

    it('accepts the largest finite gradients (only g is judged, not g + wd·p)', () => {
      const init = filled(size, 1).map((x) => x * 3e38);
      const fast = createFastOptimizerSync(make(), [{ ...spec, init }], { threads: 1 });
      fast.grads[0].set(filled(size, 2).map((x) => Math.sign(x) * 3.4e38));
      expect(() => fast.step()).not.toThrow();
      expect(fast.state.count).toBe(1);
    });

    it('with checkFinite: false, steps on (the sums are still taken)', () => {
      const fast = createFastOptimizerSync(make(), [{ ...spec, init: filled(size, 1) }], { threads: 1 });
      fast.grads[0].set(filled(size, 2));
      fast.grads[0][positions[2]] = Number.NaN;
      expect(() => fast.step({ checkFinite: false })).not.toThrow();
      expect(fast.state.count).toBe(1);
    });
  });
});
