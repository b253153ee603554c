import { Adam_GC2 } from '@gcopt/core';
import { createFastOptimizer } from '@gcopt/core/fast';
import { createOptimizer } from '@gcopt/float32';
import { TOLERANCE, maxRelativeError } from './correctness.js';
import { benchData, type BenchData } from './data.js';
import { coreRunner } from './gcoptRunners.js';
import { BENCH_OPTIMIZERS } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import { pairedSlower, type PairedSlower } from './signTest.js';
import { median, timeSteps, type Schedule } from './timing.js';

/** The demo's MLP 784-256-10 (203,530 parameters), PyTorch/ONNX layout. */
export const MLP: ParamSet = {
  name: 'mlp',
  shapes: [[256, 784], [256], [10, 256], [10]],
  size: 256 * 784 + 256 + 10 * 256 + 10,
};
const NAMES = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];
const LR = 1e-3;
const FLOAT32_CORE = "@gcopt/float32 (backend 'core')";

export type MlpConfig = Schedule;

export interface MlpReport {
  readonly params: number;
  /** Median ms of one step per implementation. */
  readonly ms: Record<string, number>;
  /** The default backend's step over the naive loop (the goal), and backend 'core''s (the core bit for bit). */
  readonly float32OverNaive: number;
  readonly float32CoreOverNaive: number;
  readonly fastOneThreadOverNaive: number;
  /** The fast path with its default thread count over one thread (a small model must not lose). */
  readonly poolOverOneThread: number;
  /** The same two, pair by pair (the alternating steps): median ratio and a sign test of "slower". */
  readonly poolVsOneThread: PairedSlower;
  readonly threads: number;
  readonly correct: boolean;
  readonly failures: string[];
  readonly maxRelError: Record<string, number>;
}

/**
 * Adam_GC2 (first release: Adam, then GC_1 of the update of every tensor with more than one
 * dimension, so each row of the weights keeps its mean) written as the obvious single-thread JS
 * loop: per row one fused pass for m, v and the update (kept in a scratch row, summed in float64)
 * and one pass subtracting the update's row mean from p.
 */
export function naiveAdamGc2(
  params: Float32Array[],
  grads: Float32Array[],
  m: Float32Array[],
  v: Float32Array[],
  shapes: number[][],
  t: number,
): void {
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  const bc1 = 1 - b1 ** t,
    bc2 = Math.sqrt(1 - b2 ** t);
  const stepSize = LR / bc1;
  for (let k = 0; k < params.length; k++) {
    const p = params[k],
      g = grads[k],
      mk = m[k],
      vk = v[k];
    const centre = shapes[k].length > 1;
    const rowLen = centre ? p.length / shapes[k][0] : p.length;
    if (scratch.length < rowLen) scratch = new Float64Array(rowLen);
    for (let base = 0; base < p.length; base += rowLen) {
      let sum = 0;
      for (let i = base, j = 0; j < rowLen; i++, j++) {
        const mi = (mk[i] = b1 * mk[i] + (1 - b1) * g[i]);
        const vi = (vk[i] = b2 * vk[i] + (1 - b2) * g[i] * g[i]);
        const u = (scratch[j] = (stepSize * mi) / (Math.sqrt(vi) / bc2 + eps));
        sum += u;
      }
      const mean = centre ? sum / rowLen : 0;
      for (let i = base, j = 0; j < rowLen; i++, j++) p[i] -= scratch[j] - mean;
    }
  }
}
let scratch = new Float64Array(1024);

/** The MLP step: @gcopt/float32 and the fast path against the naive loop, all checked against the core. */
export async function runMlp(schedule: MlpConfig, threads: number, log: (line: string) => void): Promise<MlpReport> {
  const data: BenchData = benchData(MLP);
  const opt = BENCH_OPTIMIZERS.find((o) => o.name === 'Adam_GC')!;
  const reference = await coreRunner.run(
    MLP,
    { ...opt, name: 'Adam_GC2', make: () => Adam_GC2({ lr: LR, onWarning: () => {} }) },
    data,
    schedule,
  );
  const ms: Record<string, number> = {};
  const finals: Record<string, Float32Array[]> = {};

  // @gcopt/float32, as OrtTrainer and the demo call it: the gradients by name, checked every step
  const grads = Object.fromEntries(NAMES.map((n, i) => [n, data.grads[i]]));
  let float32Default = '';
  for (const backend of [undefined, 'core'] as const) {
    const model = NAMES.map((name, i) => ({ name, shape: MLP.shapes[i], data: data.init[i].slice() }));
    const f32 = createOptimizer('Adam_GC2', { lr: LR, ...(backend ? { backend } : {}) }, model);
    const key = backend ? FLOAT32_CORE : `@gcopt/float32 (default: backend '${f32.backend.name}')`;
    if (!backend) float32Default = key;
    ms[key] = median(timeSteps(() => f32.step(grads), schedule));
    finals[key] = model.map((p) => p.data);
  }

  const params = data.init.map((a) => a.slice());
  const m = params.map((a) => new Float32Array(a.length));
  const v = params.map((a) => new Float32Array(a.length));
  let t = 0;
  ms['naive JS loop'] = median(timeSteps(() => naiveAdamGc2(params, data.grads, m, v, MLP.shapes, ++t), schedule));
  finals['naive JS loop'] = params;

  // one thread, `threads` and the default count, the first and last timed in alternating steps: a small
  // model's step is short enough that the machine's state drifts between back-to-back blocks of one kind
  const oneStep = { warmup: 0, reps: 1 };
  const fasts = await Promise.all(
    [1, threads, undefined].map((n) =>
      createFastOptimizer(
        Adam_GC2({ lr: LR, onWarning: () => {} }),
        MLP.shapes.map((shape, i) => ({ shape, init: data.init[i] })),
        { backend: 'wasm-simd', threads: n },
      ),
    ),
  );
  const keys = fasts.map((f, j) => `fast path wasm-simd ×${f.threads}${j === 2 ? ' (default threads)' : ''}`);
  const defaultKey = keys[2];
  const samples = fasts.map(() => [] as number[]);
  try {
    fasts.forEach((fast) => fast.grads.forEach((g, i) => g.set(data.grads[i]))); // zero-copy: a trainer writes here
    // Timed in turn with the pooled one, the two one-thread optimizers (the same code) differed by up to
    // 1.5×; in alternating blocks of steps, still by up to 1.25×: the pooled one (index 1) is timed alone
    // first, then one thread and the default count alternate step by step, each first in every other pair
    samples[1].push(...timeSteps(() => fasts[1].step(), schedule));
    for (let i = 0; i < schedule.warmup; i++) for (const j of [0, 2]) fasts[j].step();
    for (let i = 0; i < schedule.reps; i++) {
      for (const j of i % 2 === 0 ? [0, 2] : [2, 0]) samples[j].push(...timeSteps(() => fasts[j].step(), oneStep));
    }
    fasts.forEach((fast, j) => {
      ms[keys[j]] = median(samples[j]);
      finals[keys[j]] = fast.params.map((p) => (p.value.data as Float32Array).slice());
    });
  } finally {
    for (const fast of fasts) fast.dispose();
  }
  const failures: string[] = [];
  const maxRelError: Record<string, number> = {};
  for (const [key, final] of Object.entries(finals)) {
    const err = maxRelativeError(final, reference.final);
    maxRelError[key] = err;
    if (!(err <= TOLERANCE)) failures.push(`mlp/Adam_GC2/${key}: max relative error ${err} > ${TOLERANCE}`);
    log(`mlp       Adam_GC2    ${key.padEnd(40)} ${ms[key].toFixed(3).padStart(9)} ms  err ${err.toExponential(1)}`);
  }
  const one = ms['fast path wasm-simd ×1'];
  const pool = ms[defaultKey];
  // samples[0] and samples[2] were timed in alternating pairs (pair i: the i-th step of each)
  const poolVsOneThread = pairedSlower(samples[2], samples[0]);
  return {
    params: MLP.size,
    ms,
    float32OverNaive: ms[float32Default] / ms['naive JS loop'],
    float32CoreOverNaive: ms[FLOAT32_CORE] / ms['naive JS loop'],
    fastOneThreadOverNaive: one / ms['naive JS loop'],
    poolOverOneThread: pool / one,
    poolVsOneThread,
    threads,
    correct: failures.length === 0,
    failures,
    maxRelError,
  };
}
