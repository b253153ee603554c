import type { Optimizer, OptimizerState, Param } from '@gcopt/core';
import { createFastOptimizerSync, fastPathCovers, wasmSimdSupported, type FastOptimizer } from '@gcopt/core/fast';

/** Which backend steps a group: the core's recipe, or @gcopt/core/fast's fused WebAssembly SIMD kernels. */
export type Float32Backend = 'core' | 'fast';

/**
 * One group on @gcopt/core/fast: its state lives in the fast path's memory (the group's state is
 * `fast.state`, whose slots are views there); the model's own arrays stay the parameters, so each
 * step copies them and the gradients in and the parameters back out (12 B per parameter beside the
 * kernel's 28). One thread: a float32 optimizer has no dispose() to stop a worker pool with.
 * Same numbers as the core within float32 rounding (packages/core/README.md, the fast path's bound).
 */
export interface FastGroup {
  readonly fast: FastOptimizer;
  /** Steps the group; `state` is the group's current state (a loaded snapshot is copied in first). */
  step(
    params: readonly Param[],
    grads: readonly (Float32Array | Float64Array | null)[],
    state: OptimizerState,
    lr: number,
  ): OptimizerState;
}

/** The fast backend for a group, or null (with the reason) where it cannot run that group. */
export function fastGroup(optimizer: Optimizer, params: readonly Param[]): FastGroup | { reason: string } {
  if (!wasmSimdSupported()) return { reason: 'WebAssembly SIMD unavailable' };
  if (!fastPathCovers(optimizer)) return { reason: `${optimizer.name}: recipe not fused by the fast path` };
  const fast = createFastOptimizerSync(
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
  const views = fast.params.map((p) => p.value.data as Float32Array);
  const skip = params.map(() => false);
  return {
    fast,
    step(ps, grads, state, lr) {
      if (state !== fast.state) adopt(fast.state, state);
      ps.forEach((p, i) => views[i].set(p.value.data as Float32Array));
      grads.forEach((g, i) => {
        skip[i] = g === null;
        if (g !== null) fast.grads[i].set(g);
      });
      fast.step({ lr, checkFinite: false, skip });
      ps.forEach((p, i) => (p.value.data as Float32Array).set(views[i]));
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
