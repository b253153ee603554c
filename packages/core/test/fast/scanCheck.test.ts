import { describe, expect, it } from 'vitest';
import {
  Adam_GC,
  NonFiniteGradientError,
  SGD_GC,
  cloneState,
  type Optimizer,
  type OptimizerState,
} from '../../src/index.js';
import { createFastOptimizerSync, type FastParamSpec } from '../../src/fast/index.js';
import { SCAN_CHUNK, scanTasks } from '../../src/fast/tasks.js';
import { layoutOf } from '../../src/tensor/layout.js';
import { sameBits } from './sameBits.js';

// The scan reads each gradient once for both the finiteness check and GC's channel sums; without a
// coupled decay term the check is carried by the float64 sums, with one it is made on g per element.
// Every layout the scan splits differently, on both sides of that choice, on 1 and 2 threads.

const LAYOUTS: { label: string; spec: FastParamSpec }[] = [
  { label: 'channels first, odd rows', spec: { shape: [6, 13] } },
  { label: 'channels first, one block per row', spec: { shape: [3, SCAN_CHUNK + 7] } },
  { label: 'output axis last', spec: { shape: [13, 6], outAxis: 1 } },
  {
    label: 'output axis last, several slice ranges',
    spec: { shape: [Math.ceil((2.5 * SCAN_CHUNK) / 41), 41], outAxis: 1 },
  },
  { label: 'output axis in the middle', spec: { shape: [3, 7, 5], outAxis: 1 } },
  { label: 'rank 1 (no GC: plain check)', spec: { shape: [37] } },
];

const OPTIMIZERS: { label: string; make: () => Optimizer }[] = [
  { label: 'no decay (checked by the sums)', make: () => Adam_GC({ lr: 0.01 }) },
  { label: 'coupled decay (checked per element)', make: () => SGD_GC({ lr: 0.01, momentum: 0.9, weightDecay: 0.1 }) },
];

function sameState(a: OptimizerState, b: OptimizerState): boolean {
  if (a.optimizer !== b.optimizer || a.count !== b.count || a.tensors.length !== b.tensors.length) return false;
  return a.tensors.every((t, i) => {
    const u = b.tensors[i];
    const names = Object.keys(t.slots);
    if (t.step !== u.step || names.join() !== Object.keys(u.slots).join()) return false;
    return names.every((n) => sameBits(t.slots[n] as Float32Array, u.slots[n] as Float32Array));
  });
}

function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed + i * 0.37) + 0.25;
  return out;
}

it('splits the scan of the layouts that say so into the blocks they name', () => {
  const blocks = (spec: FastParamSpec) => scanTasks(0, layoutOf(spec.shape, spec.outAxis ?? 0), true).tasks.length;
  expect(blocks(LAYOUTS[1].spec)).toBe(3);
  expect(blocks(LAYOUTS[3].spec)).toBe(3);
});

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
            expect(sameBits(fast.params[0].value.data as Float32Array, params), `params, element ${at}`).toBe(true);
            expect(sameState(fast.state, state), `state, element ${at}`).toBe(true);
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
