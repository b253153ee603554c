import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Optimizer as CoreOptimizer } from '@gcopt/core';
import { createFastOptimizerSync, fastPathCovers, wasmSimdSupported, type FastOptimizer } from '@gcopt/core/fast';
import { readFloat32 } from './hostBackend.js';
import { normalizedAxis, type StepItem } from './stepItem.js';

/** What computes the host backend's steps: @gcopt/core/fast's WebAssembly SIMD kernels, or the core. */
export type HostKernels = 'fast' | 'core';

/** Fast optimizers kept for the variable sets stepped recently (a set that changes every step rebuilds). */
const KEPT_SETS = 4;

/** Whether the fast path can step `core` here, or why not (in words). */
export function fastHostAvailability(core: CoreOptimizer): { readonly ok: true } | { readonly reason: string } {
  if (!wasmSimdSupported()) return { reason: 'WebAssembly SIMD unavailable' };
  if (!fastPathCovers(core)) return { reason: `${core.name}: recipe not fused by the fast path` };
  return { ok: true };
}

/**
 * The host step on @gcopt/core/fast's fused kernels (one thread): variables, gradients, slots and
 * step counts are copied into a fast optimizer's memory, it steps, and the results are copied out
 * with `assign`, as the core host step does. Nothing in tfjs changes before the kernels have checked
 * every gradient (they throw before writing anything), so a failed step changes nothing. The fast
 * optimizer is kept per variable set (names, shapes, layouts) and core optimizer (a new learning
 * rate makes a new core). Call inside `tf.tidy`.
 */
export class FastHostStepper {
  private readonly kept = new Map<string, { readonly core: CoreOptimizer; readonly fast: FastOptimizer }>();

  /** Why the fast path could not start here (a browser's main thread will not compile it synchronously). */
  failure: string | null = null;

  /** The step, or null when the fast path could not start (`failure` says why; nothing changed). */
  step(core: CoreOptimizer, items: readonly StepItem[], count: number, checkFinite: boolean): number | null {
    let fast: FastOptimizer;
    try {
      fast = this.fastFor(core, items);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.failure = `the fast path could not start: ${e.message}`;
      return null;
    }
    const skip = items.map((item) => item.grad === null);
    items.forEach(({ name, entry, grad }, i) => {
      (fast.params[i].value.data as Float32Array).set(readFloat32(entry.variable, `variable '${name}'`));
      if (grad) fast.grads[i].set(readFloat32(grad, `gradient of '${name}'`));
      const ts = fast.state.tensors[i];
      ts.step = entry.step;
      for (const [slot, v] of entry.slots) ts.slots[slot].set(readFloat32(v, slot));
    });
    fast.state.count = count;
    fast.step({ checkFinite, skip });
    // tf.tensor may keep the array it is given: hand it copies, the fast memory is reused next step
    items.forEach(({ entry }, i) => {
      const ts = fast.state.tensors[i];
      entry.variable.assign(tf.tensor((fast.params[i].value.data as Float32Array).slice(), entry.shape, 'float32'));
      for (const [slot, v] of entry.slots) v.assign(tf.tensor(ts.slots[slot].slice() as Float32Array, entry.shape));
      entry.step = ts.step;
    });
    return fast.state.count;
  }

  private fastFor(core: CoreOptimizer, items: readonly StepItem[]): FastOptimizer {
    const key = JSON.stringify(
      items.map(({ name, entry }) => [
        name,
        entry.shape,
        normalizedAxis(entry.layout.outAxis, entry.shape.length),
        entry.layout.gc,
      ]),
    );
    const known = this.kept.get(key);
    if (known && known.core === core) return known.fast;
    // the variables' own values come in every step: the fast optimizer starts from zeros
    const fast = createFastOptimizerSync(
      quietInit(core),
      items.map(({ name, entry }) => ({
        shape: entry.shape,
        outAxis: entry.layout.outAxis,
        gc: entry.layout.gc,
        name,
      })),
      { backend: 'wasm-simd', threads: 1, onWarning: () => {} },
    );
    this.kept.delete(key);
    this.kept.set(key, { core, fast });
    if (this.kept.size > KEPT_SETS) this.kept.delete(this.kept.keys().next().value!);
    return fast;
  }
}

/**
 * `core` whose `init` does not warn: the optimizer warned about fan-in-1 tensors once per variable
 * when it first saw them, and the fast optimizer's init only lays out the state (the slots get the
 * variables' state every step). GC off changes no slot's initial value, only whether it warns.
 */
function quietInit(core: CoreOptimizer): CoreOptimizer {
  return { ...core, init: (params) => core.init(params.map((p) => ({ ...p, gc: false }))) };
}

/** The error for `hostKernels: 'fast'` where the fast path cannot run. */
export function fastHostUnavailable(reason: string, optimizerName: string): InvalidArgumentError {
  return new InvalidArgumentError('hostKernels', 'fast', `not possible here: ${reason}`, optimizerName);
}
