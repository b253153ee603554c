import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adagrad_GC,
  Adam,
  Adam_GC,
  Adam_GCC2,
  AdamW_GC2,
  NonFiniteGradientError,
  Ranger,
  SGD_GC,
  SGDW_GC,
  cloneState,
  type Optimizer,
  type Param,
} from '../../src/index.js';
import {
  createFastOptimizer,
  createFastOptimizerSync,
  fastPathCovers,
  type FastOptions,
} from '../../src/fast/index.js';
import { UPDATE_CHUNK } from '../../src/fast/tasks.js';
import { sameBits } from './sameBits.js';

/** Deterministic values in [-1, 1) plus a per-row offset (so GC matters). */
function values(n: number, seed: number, rowLen = 7): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1 + (Math.floor(i / rowLen) % 5) * 0.3;
  }
  return out;
}

// odd lengths (tails of 1–3 lanes), fan-in 1, rank 1, 3-D and 4-D, a row longer than one task chunk
const SHAPES: { shape: number[]; outAxis?: number; gc?: boolean }[] = [
  { shape: [8, 3, 3, 3] },
  { shape: [5, 7] },
  { shape: [13] },
  { shape: [6, 1] },
  { shape: [3, 5, 2] },
  { shape: [2, UPDATE_CHUNK + 9] }, // a row longer than an update task
  { shape: [2 * UPDATE_CHUNK + 1] }, // no GC (rank 1): three tasks, the last of one element
  { shape: [4, 6], gc: false },
  { shape: [3, 3, 2, 5], outAxis: -1 },
];

const quiet = { onWarning: () => {} }; // the [6,1] tensor is zeroed by GC on purpose

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['SGD_GC momentum+wd', () => SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-3, ...quiet })],
  ['SGD_GC nesterov', () => SGD_GC({ lr: 0.05, momentum: 0.8, nesterov: true, ...quiet })],
  ['SGDW_GC dampening', () => SGDW_GC({ lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 1e-2, ...quiet })],
  ['Adam_GC wd', () => Adam_GC({ lr: 1e-2, weightDecay: 1e-3, ...quiet })],
  ['Adam_GCC2 amsgrad', () => Adam_GCC2({ lr: 1e-2, amsgrad: true, ...quiet })],
  ['AdamW_GC2 wd', () => AdamW_GC2({ lr: 1e-2, weightDecay: 1e-2, ...quiet })],
  [
    'Adagrad_GC lrDecay+wd',
    () => Adagrad_GC({ lr: 1e-2, lrDecay: 0.1, weightDecay: 1e-3, initialAccumulatorValue: 0.1, ...quiet }),
  ],
  ['advanced Adam gcLoc=false', () => Adam({ lr: 1e-2, useGc: true, weightDecay: 1e-3, ...quiet })],
];

function coreRun(make: () => Optimizer, steps: number) {
  const opt = make();
  const params: Param[] = SHAPES.map((s, i) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    return { value: ndarray(values(n, 17 + i), s.shape), outAxis: s.outAxis, gc: s.gc };
  });
  const state = opt.init(params);
  for (let t = 0; t < steps; t++) {
    opt.stepInPlace(
      params,
      params.map((p, i) => values(p.value.size, 1000 * t + i)),
      state,
    );
  }
  return { params: params.map((p) => p.value.data as Float32Array), state };
}

function fastRun(make: () => Optimizer, steps: number, options: FastOptions) {
  const fast = createFastOptimizerSync(
    make(),
    SHAPES.map((s, i) => ({
      ...s,
      init: values(
        s.shape.reduce((a, b) => a * b, 1),
        17 + i,
      ),
    })),
    options,
  );
  try {
    for (let t = 0; t < steps; t++) {
      fast.grads.forEach((g, i) => g.set(values(g.length, 1000 * t + i)));
      fast.step();
    }
    return {
      params: fast.params.map((p) => (p.value.data as Float32Array).slice()),
      state: cloneState(fast.state),
      backend: fast.backend,
    };
  } finally {
    fast.dispose();
  }
}

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe('fast path against the core path (float32, 6 steps)', () => {
  for (const [label, make] of OPTIMIZERS) {
    it(`${label}: every backend and thread count agrees with the core`, () => {
      const core = coreRun(make, 6);
      const one = fastRun(make, 6, { threads: 1 });
      const two = fastRun(make, 6, { threads: 2 });
      const js = fastRun(make, 6, { backend: 'js' });
      expect([one.backend, two.backend, js.backend]).toEqual(['wasm-simd', 'wasm-simd', 'js']);
      for (const run of [one, two, js]) {
        run.params.forEach((p, i) => expect(maxRelError(p, core.params[i]), `tensor ${i}`).toBeLessThan(1e-5));
        run.state.tensors.forEach((ts, i) => {
          expect(ts.step).toBe(core.state.tensors[i].step);
          for (const [name, slot] of Object.entries(ts.slots)) {
            expect(maxRelError(slot, core.state.tensors[i].slots[name]), `${name} of tensor ${i}`).toBeLessThan(1e-5);
          }
        });
      }
      // rows are never split between threads, so the thread count changes nothing at all
      one.params.forEach((p, i) => expect(sameBits(two.params[i], p), `tensor ${i}`).toBe(true));
    });
  }
});

describe('fast path threads', () => {
  it('300 steps of many small tasks on 2 threads are bit-identical to 1 thread (hand-off stress)', () => {
    const specs = Array.from({ length: 40 }, (_, i) => ({
      shape: i % 3 ? [7 + i, 9] : [33000 + i],
      init: values(i % 3 ? (7 + i) * 9 : 33000 + i, i),
    }));
    const runs = [1, 2].map((threads) => {
      const fast = createFastOptimizerSync(SGD_GC({ lr: 1e-3, momentum: 0.9, ...quiet }), specs, { threads });
      try {
        fast.grads.forEach((g, i) => g.set(values(g.length, 100 + i)));
        for (let t = 0; t < 300; t++) fast.step({ checkFinite: t % 2 === 0 });
        return fast.params.map((p) => Array.from(p.value.data as Float32Array));
      } finally {
        fast.dispose();
      }
    });
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe('fast path behaviour', () => {
  it('rejects a NaN/Inf gradient before changing anything, naming tensor and index', () => {
    for (const threads of [1, 2]) {
      const fast = createFastOptimizerSync(
        Adam_GC({ lr: 0.1 }),
        [{ shape: [4, 9], name: 'w', init: values(36, 3) }, { shape: [50000] }],
        { threads },
      );
      try {
        fast.grads[0].set(values(36, 4));
        fast.step();
        const before = fast.params.map((p) => (p.value.data as Float32Array).slice());
        const stateBefore = cloneState(fast.state);
        fast.grads[1][43210] = Number.NaN;
        let error: unknown;
        try {
          fast.step();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NonFiniteGradientError);
        expect((error as NonFiniteGradientError).paramIndex).toBe(1);
        expect((error as NonFiniteGradientError).elementIndex).toBe(43210);
        fast.params.forEach((p, i) => expect(Array.from(p.value.data as Float32Array)).toEqual(Array.from(before[i])));
        expect(cloneState(fast.state)).toEqual(stateBefore);
      } finally {
        fast.dispose();
      }
    }
  });

  it('skip[i] leaves tensor i and its step count alone, like a null gradient in the core', () => {
    const fast = createFastOptimizerSync(
      Adam_GC({ lr: 0.1 }),
      [
        { shape: [3, 4], init: values(12, 1) },
        { shape: [5], init: values(5, 2) },
      ],
      { threads: 1 },
    );
    const opt = Adam_GC({ lr: 0.1 });
    const params: Param[] = [{ value: ndarray(values(12, 1), [3, 4]) }, { value: ndarray(values(5, 2), [5]) }];
    const state = opt.init(params);
    fast.grads[0].set(values(12, 9));
    fast.grads[1].set(values(5, 8));
    fast.step({ skip: [false, true] });
    opt.stepInPlace(params, [values(12, 9), null], state);
    expect(fast.state.tensors.map((t) => t.step)).toEqual([1, 0]);
    expect(Array.from(fast.params[1].value.data as Float32Array)).toEqual(Array.from(values(5, 2)));
    expect(maxRelError(fast.params[0].value.data as Float32Array, params[0].value.data as Float32Array)).toBeLessThan(
      1e-6,
    );
    fast.dispose();
  });

  it('steps tensors at different step counts in one step with each its own bias corrections', () => {
    // after a step that skips tensor 1, the next step has tensors at steps 2, 1, 2: scalars per step count
    const shapes = [[3, 4], [5], [2, 3]];
    const init = shapes.map((s, i) =>
      values(
        s.reduce((a, b) => a * b),
        i + 1,
      ),
    );
    const fast = createFastOptimizerSync(
      Adam({ lr: 0.1 }),
      shapes.map((shape, i) => ({ shape, init: init[i] })),
      { threads: 1 },
    );
    const opt = Adam({ lr: 0.1 });
    const params: Param[] = shapes.map((shape, i) => ({ value: ndarray(init[i].slice(), shape) }));
    const state = opt.init(params);
    for (const skip of [
      [false, true, false],
      [false, false, false],
    ]) {
      const grads = init.map((x, i) => values(x.length, 7 + i));
      fast.grads.forEach((g, i) => g.set(grads[i]));
      fast.step({ skip });
      opt.stepInPlace(
        params,
        grads.map((g, i) => (skip[i] ? null : g)),
        state,
      );
    }
    expect(fast.state.tensors.map((t) => t.step)).toEqual([2, 1, 2]);
    params.forEach((p, i) =>
      expect(maxRelError(fast.params[i].value.data as Float32Array, p.value.data as Float32Array)).toBeLessThan(1e-6),
    );
    fast.dispose();
  });

  it('runs optimizers it does not fuse on the core path, bit for bit', async () => {
    expect(fastPathCovers(Ranger({ useGc: true }))).toBe(false);
    expect(fastPathCovers(Adam_GC())).toBe(true);
    const fast = await createFastOptimizer(Ranger({ useGc: true, lr: 0.01 }), [{ shape: [4, 6], init: values(24, 5) }]);
    expect(fast.backend).toBe('core');
    expect(fast.note).toMatch(/not fused/);
    const opt = Ranger({ useGc: true, lr: 0.01 });
    const params: Param[] = [{ value: ndarray(values(24, 5), [4, 6]) }];
    const state = opt.init(params);
    for (let t = 0; t < 3; t++) {
      fast.grads[0].set(values(24, t));
      fast.step();
      opt.stepInPlace(params, [values(24, t)], state);
    }
    expect(Array.from(fast.params[0].value.data as Float32Array)).toEqual(
      Array.from(params[0].value.data as Float32Array),
    );
  });

  it('float64 parameters run the JS kernels and match the core to 1e-12', () => {
    const make = () => Adam_GCC2({ lr: 1e-2, weightDecay: 1e-3 });
    const opt = make();
    const init = Float64Array.from(values(2 * 3 * 5 * 5, 7));
    const params: Param[] = [{ value: ndarray(init.slice(), [2, 3, 5, 5]) }];
    const state = opt.init(params);
    const fast = createFastOptimizerSync(make(), [{ shape: [2, 3, 5, 5], init }], { dtype: 'float64' });
    expect(fast.backend).toBe('js');
    for (let t = 0; t < 4; t++) {
      const g = Float64Array.from(values(150, 50 + t));
      fast.grads[0].set(g);
      fast.step();
      opt.stepInPlace(params, [g], state);
    }
    expect(maxRelError(fast.params[0].value.data, params[0].value.data as Float64Array)).toBeLessThan(1e-12);
  });

  it('step({ phases }) reports where the time went, on every backend, and changes nothing', () => {
    // 2^20 parameters with GC: the wasm scan (a read of g) and its update (p, g, m, v) take measurable time
    const specs = [{ shape: [1024, 1024], init: values(1 << 20, 9) }];
    const runs: [string, () => Optimizer, FastOptions][] = [
      ['wasm ×1', () => Adam_GC({ lr: 1e-3 }), { threads: 1 }],
      ['wasm ×2', () => Adam_GC({ lr: 1e-3 }), { threads: 2 }],
      ['js', () => Adam_GC({ lr: 1e-3 }), { backend: 'js' }],
      ['core', () => Ranger({ useGc: true, lr: 1e-3 }), { onWarning: () => {} }],
    ];
    for (const [label, make, options] of runs) {
      const [timed, plain] = [0, 1].map(() => createFastOptimizerSync(make(), specs, options));
      try {
        let scan = 0;
        let update = 0;
        for (let t = 0; t < 3; t++) {
          for (const fast of [timed, plain]) fast.grads[0].set(values(1 << 20, 70 + t));
          const phases = { scanMs: Number.NaN, updateMs: Number.NaN };
          const t0 = performance.now();
          timed.step({ phases });
          const wall = performance.now() - t0;
          plain.step();
          expect(phases.scanMs, label).toBeGreaterThanOrEqual(0);
          expect(phases.updateMs, label).toBeGreaterThan(0);
          expect(phases.scanMs + phases.updateMs, label).toBeLessThanOrEqual(wall);
          scan += phases.scanMs;
          update += phases.updateMs;
        }
        expect(sameBits(timed.params[0].value.data as Float32Array, plain.params[0].value.data as Float32Array)).toBe(
          true,
        );
        if (timed.backend === 'core') expect(scan, label).toBe(0);
        else {
          // the check reads g once; the update reads g, p, m, v and writes p, m, v with Adam's arithmetic
          expect(scan, label).toBeGreaterThan(0);
          expect(update, label).toBeGreaterThan(scan);
        }
      } finally {
        timed.dispose();
        plain.dispose();
      }
    }
  });

  it('refuses bad input with a clear error', () => {
    expect(() => createFastOptimizerSync(Adam_GC(), [{ shape: [2, 2], init: [1, 2, 3] }])).toThrow(/init has 3 values/);
    expect(() => createFastOptimizerSync(Adam_GC(), [{ shape: [2, 0] }])).toThrow(/positive integer/);
    expect(() => createFastOptimizerSync(Adam_GC(), [{ shape: [2] }], { threads: 0 })).toThrow(/threads/);
    const fast = createFastOptimizerSync(Adam_GC(), [{ shape: [2] }], { threads: 1 });
    expect(() => fast.step({ skip: [true, false] })).toThrow(/skip must be an array of 1/);
    expect(() => fast.step({ lr: -1 })).toThrow(/learning rate/);
  });
});
