import { cloneState } from '../optimizers/recipeOptimizer.js';
import type { ReplayBackend } from '../reference/replay.js';
import type { FloatArray } from '../tensor/floatArray.js';
import { createFastOptimizerSync, type FastOptimizer, type FastOptions } from './fastOptimizer.js';

/** Options of the replay backend that runs golden trajectories through the fast path. */
export interface FastBackendOptions extends Omit<FastOptions, 'dtype'> {
  /** Called with every fast optimizer the backend makes (to see which backend ran). */
  onCreate?: (fast: FastOptimizer) => void;
}

/**
 * A golden-replay backend running the fast path: parameters and recorded gradients are copied into
 * the fast optimizer's memory, each step is `fast.step()`, and the trajectory and final state are
 * read back. Pass it to `replayGolden(golden, inputs, { backend: fastBackend() })`.
 */
export function fastBackend(options: FastBackendOptions = {}): ReplayBackend {
  const { onCreate, ...fastOptions } = options;
  return ({ optimizer, dtype, shapes, init, grads }) => {
    const fast = createFastOptimizerSync(
      optimizer,
      shapes.map((shape, i) => ({ shape, init: init[i] })),
      { ...fastOptions, dtype },
    );
    onCreate?.(fast);
    try {
      const params: FloatArray[][] = [];
      for (const stepGrads of grads) {
        stepGrads.forEach((g, i) => fast.grads[i].set(g));
        fast.step();
        params.push(fast.params.map((p) => (p.value.data as FloatArray).slice()));
      }
      return { params, state: cloneState(fast.state) };
    } finally {
      fast.dispose();
    }
  };
}
