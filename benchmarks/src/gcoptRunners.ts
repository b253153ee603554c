import ndarray from 'ndarray';
import type { Param } from '@gcopt/core';
import { createFastOptimizer, type FastOptimizer, type FastOptions } from '@gcopt/core/fast';
import type { BenchData } from './data.js';
import type { BenchOptimizer } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import { timeSteps, type Schedule } from './timing.js';

/** What one implementation produced: timed steps and the parameters after all its steps. */
export interface RunResult {
  readonly samples: number[];
  readonly final: Float32Array[];
  /** Extra facts to print (backend, threads…). */
  readonly detail?: string;
}

export interface Runner {
  readonly impl: string;
  run(set: ParamSet, opt: BenchOptimizer, data: BenchData, schedule: Schedule): Promise<RunResult>;
}

/** gcopt's core path: the optimizer's recipe, `stepInPlace` (the reference the others are checked against). */
export const coreRunner: Runner = {
  impl: 'gcopt core (recipe)',
  async run(set, opt, data, schedule) {
    const optimizer = opt.make();
    const params: Param[] = set.shapes.map((shape, i) => ({
      value: ndarray(data.init[i].slice(), shape),
      outAxis: set.outAxes?.[i] ?? 0,
    }));
    const state = optimizer.init(params);
    const samples = timeSteps(() => optimizer.stepInPlace(params, data.grads, state), schedule);
    return { samples, final: params.map((p) => p.value.data as Float32Array) };
  },
};

/**
 * gcopt's fast path (`@gcopt/core/fast`) with the given backend and threads. The gradients sit in
 * `fast.grads`, views of the fast path's own memory that a trainer writes its gradients into (the
 * zero-copy hand-in), so the timed step is all a user does per step; `copyIn` instead times a copy
 * of each gradient into those views with every step (a trainer whose gradients live elsewhere).
 */
export function fastRunner(impl: string, options: FastOptions, checkFinite = true, copyIn = false): Runner {
  return {
    impl,
    async run(set, opt, data, schedule) {
      const fast = await fastOptimizerFor(set, opt, data, options);
      try {
        const step = copyIn
          ? () => {
              fast.grads.forEach((g, i) => g.set(data.grads[i]));
              fast.step({ checkFinite });
            }
          : () => fast.step({ checkFinite });
        const samples = timeSteps(step, schedule);
        const detail =
          `${fast.backend}${fast.backend === 'wasm-simd' ? ` ×${fast.threads}` : ''}` +
          `${fast.note ? ` (${fast.note})` : ''}`;
        return { samples, final: fast.params.map((p) => (p.value.data as Float32Array).slice()), detail };
      } finally {
        fast.dispose();
      }
    },
  };
}

/**
 * `opt` on the fast path over the set's tensors (their layouts as the set gives them), started from the
 * set's initial weights, the set's gradients already in `fast.grads` (the zero-copy hand-in).
 */
export async function fastOptimizerFor(
  set: ParamSet,
  opt: BenchOptimizer,
  data: BenchData,
  options: FastOptions,
): Promise<FastOptimizer> {
  const fast = await createFastOptimizer(
    opt.make(),
    set.shapes.map((shape, i) => ({ shape, init: data.init[i], outAxis: set.outAxes?.[i] ?? 0 })),
    options,
  );
  fast.grads.forEach((g, i) => g.set(data.grads[i]));
  return fast;
}

/**
 * gcopt's gpu.js path (`@gcopt/core/gpu`, another team's package) on gpu.js's CPU-side `webasm`
 * mode: the gradients are uploaded by each step, as that API takes them.
 */
export const gpuJsWebasmRunner: Runner = {
  impl: 'gcopt gpu.js webasm',
  async run(set, opt, data, schedule) {
    const { createDeviceOptimizer } = await import('@gcopt/core/gpu');
    const device = await createDeviceOptimizer(
      opt.make(),
      set.shapes.map((shape, i) => ({ shape, data: data.init[i] })),
      { backend: 'webasm' },
    );
    try {
      const step = async () => {
        await device.step(data.grads);
        await device.finish();
      };
      for (let i = 0; i < schedule.warmup; i++) await step();
      const samples: number[] = [];
      for (let i = 0; i < schedule.reps; i++) {
        const t0 = performance.now();
        await step();
        samples.push(performance.now() - t0);
      }
      return {
        samples,
        final: await device.readParams(),
        detail: `gpu.js kernels on ${device.kernelModes().join(', ')}`,
      };
    } finally {
      device.dispose();
    }
  },
};
