import ndarray from 'ndarray';
import type { Optimizer, OptimizerState, Param } from '../../src/index.js';
import type { DeviceParam } from '../../src/gpu/index.js';

/** Deterministic uniform numbers in [-1, 1) (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

export function filled(n: number, rnd: () => number, offset = 0, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * rnd();
  return a;
}

/** max|a − b| / max|b|: error relative to the tensor's scale (0 for two zero tensors). */
export function normRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

/** The core's typed-array path on copies of the same parameters: the reference. */
export function coreReference(optimizer: Optimizer, params: readonly DeviceParam[]) {
  const coreParams: Param[] = params.map((p) => ({
    value: ndarray(Float32Array.from(p.data), [...p.shape]),
    outAxis: p.outAxis,
    gc: p.gc,
    name: p.name,
  }));
  const state: OptimizerState = optimizer.init(coreParams);
  return {
    step: (grads: Float32Array[], lr?: number) =>
      optimizer.stepInPlace(coreParams, grads, state, lr === undefined ? {} : { lr }),
    params: () => coreParams.map((p) => p.value.data as Float32Array),
    state,
  };
}

/** A parameter of a test model, with where its gradients lie: `gradOffset + gradScale · [-1, 1)`. */
export interface TestTensor extends DeviceParam {
  readonly gradOffset?: number;
  readonly gradScale?: number;
}

/**
 * A maker of test tensors whose values are drawn from `rnd` in the order they are made:
 * `tensor(name, shape, extra, offset)` holds `offset + [-1, 1)` values and the fields of `extra`.
 */
export function testTensors(
  rnd: () => number,
): (name: string, shape: number[], extra?: Partial<TestTensor>, offset?: number) => TestTensor {
  return (name, shape, extra = {}, offset = 0) => ({
    name,
    shape,
    data: filled(
      shape.reduce((a, b) => a * b, 1),
      rnd,
      offset,
    ),
    ...extra,
  });
}

/** One step's gradients for `tensors`, drawn from `rnd` at each tensor's gradOffset and gradScale. */
export function gradientsOf(tensors: readonly TestTensor[], rnd: () => number): Float32Array[] {
  return tensors.map((p) => filled(p.data.length, rnd, p.gradOffset ?? 0, p.gradScale ?? 1));
}

/** The core's typed-array path from copies of `params`, one step per entry of `steps`: the final parameters. */
export function coreTrajectory(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  steps: readonly Float32Array[][],
): Float32Array[] {
  const core = coreReference(optimizer, params);
  for (const grads of steps) core.step(grads);
  return core.params();
}
