import { InvalidArgumentError, type Optimizer, type OptimizerState, type Param } from '@gcopt/core';
import { createFastOptimizerSync, fastPathCovers, wasmSimdSupported, type FastOptimizer } from '@gcopt/core/fast';

/**
 * What the `backend` option asks for: 'auto' (each group on @gcopt/core/fast where it can run,
 * else on the core), 'core' (the core's recipe, bit for bit) or 'fast' (every group on the fast
 * path, or an error).
 */
export type Float32Backend = 'auto' | 'core' | 'fast';

/** What steps one group: the core's recipe, or @gcopt/core/fast's fused WebAssembly SIMD kernels. */
export type GroupBackend = 'core' | 'fast';

/** What steps the groups, chosen once at creation. */
export interface BackendReport {
  /** 'fast' when every group with parameters runs on the fast path, 'core' when none does, else 'mixed'. */
  readonly name: GroupBackend | 'mixed';
  /** What steps each group (index = group). */
  readonly groups: readonly GroupBackend[];
  /** Why groups run on the core under 'auto' ('' when none fell back or 'core' was asked for). */
  readonly note: string;
}

/**
 * One group on @gcopt/core/fast: its state lives in the fast path's memory (the group's state is
 * `fast.state`, whose slots are views there); the model's own arrays stay the parameters, so each
 * step copies them and the gradients in and the parameters back out (12 B per parameter beside the
 * kernel's 28). One thread: a float32 optimizer has no dispose() to stop a worker pool with.
 * Same numbers as the core within float32 rounding (packages/core/README.md, the fast path's bound).
 */
export interface FastGroup {
  readonly fast: FastOptimizer;
  /**
   * Steps the group; `state` is the group's current state (a loaded snapshot is copied in first).
   * With `checkFinite` the kernels reject a NaN/±Inf gradient (NonFiniteGradientError, tensor index
   * within the group) before any parameter or state value changes.
   */
  step(
    params: readonly Param[],
    grads: readonly (Float32Array | Float64Array | null)[],
    state: OptimizerState,
    lr: number,
    checkFinite: boolean,
  ): OptimizerState;
}

/** The fast backend for a group, or why it cannot run that group. */
export function fastGroup(optimizer: Optimizer, params: readonly Param[]): FastGroup | { reason: string } {
  if (!wasmSimdSupported()) return { reason: 'WebAssembly SIMD unavailable' };
  if (!fastPathCovers(optimizer)) return { reason: `${optimizer.name}: recipe not fused by the fast path` };
  let fast: FastOptimizer;
  try {
    fast = createFastOptimizerSync(
      optimizer,
      params.map((p) => ({
        shape: p.value.shape,
        outAxis: p.outAxis,
        gc: p.gc,
        name: p.name,
        init: p.value.data as Float32Array,
      })),
      { backend: 'wasm-simd', threads: 1, onWarning: () => {} },
    );
  } catch (e) {
    // the fast path refuses what it cannot hold (past 4 GiB of WebAssembly memory); a browser's main
    // thread refuses to compile the kernels synchronously, and memory may not be had (RangeError)
    if ((e instanceof InvalidArgumentError && e.param === 'backend') || e instanceof RangeError) {
      return { reason: `the fast path could not start: ${(e as Error).message}` };
    }
    throw e;
  }
  const views = fast.params.map((p) => p.value.data as Float32Array);
  const skip = params.map(() => false);
  const stepOptions = { lr: 0, checkFinite: false, skip };
  return {
    fast,
    step(ps, grads, state, lr, checkFinite) {
      if (state !== fast.state) adopt(fast.state, state);
      for (let i = 0; i < ps.length; i++) {
        const g = grads[i];
        skip[i] = g === null;
        views[i].set(ps[i].value.data as Float32Array);
        if (g !== null) fast.grads[i].set(g); // a Float64Array is rounded to float32, as the core stores it
      }
      stepOptions.lr = lr;
      stepOptions.checkFinite = checkFinite;
      fast.step(stepOptions);
      for (let i = 0; i < ps.length; i++) (ps[i].value.data as Float32Array).set(views[i]);
      return fast.state;
    },
  };
}

/** Copies a state made elsewhere (a loaded snapshot) into the fast path's state. */
function adopt(into: OptimizerState, from: OptimizerState): void {
  into.count = from.count;
  into.tensors.forEach((ts, i) => {
    ts.step = from.tensors[i].step;
    for (const [name, view] of Object.entries(ts.slots)) view.set(from.tensors[i].slots[name]);
  });
}
