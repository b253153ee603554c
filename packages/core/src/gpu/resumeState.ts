import { ShapeMismatchError } from '../errors.js';
import type { OptimizerState } from '../optimizers/types.js';
import { isFloatArray } from '../tensor/floatArray.js';
import { sameShape, type Layout } from '../tensor/layout.js';

/**
 * Checks that `state` (the core's format, e.g. from `readState()` or a core optimizer) can resume
 * this device optimizer: same optimizer, tensors, layouts and slots, and every tensor at the same
 * step (device optimizers step all tensors together). Throws a ShapeMismatchError saying what differs.
 */
export function checkResumeState(
  name: string,
  layouts: readonly Layout[],
  slotNames: readonly string[],
  state: OptimizerState,
): void {
  if (!state || state.optimizer !== name) {
    throw new ShapeMismatchError(
      `${name}: the state was made by ${state ? state.optimizer : 'nothing'}, not by ${name}`,
    );
  }
  if (!Number.isInteger(state.count) || state.count < 0)
    throw new ShapeMismatchError(`${name}: state count ${state.count} is not a step count`);
  if (!Array.isArray(state.tensors) || state.tensors.length !== layouts.length) {
    throw new ShapeMismatchError(
      `${name}: the state holds ${state.tensors?.length} tensors, the model has ${layouts.length}`,
    );
  }
  state.tensors.forEach((ts, i) => {
    const l = layouts[i];
    if (!sameShape(ts.shape, l.shape) || ts.outAxis !== l.outAxis) {
      throw new ShapeMismatchError(
        `${name}: state tensor #${i} is [${ts.shape}] (outAxis ${ts.outAxis}), ` +
          `the parameter is [${l.shape}] (outAxis ${l.outAxis})`,
      );
    }
    if (ts.step !== state.count) {
      throw new ShapeMismatchError(
        `${name}: state tensor #${i} made ${ts.step} steps, the optimizer ${state.count}; ` +
          'device optimizers step every tensor together',
      );
    }
    const names = Object.keys(ts.slots).sort();
    if (names.join() !== [...slotNames].sort().join()) {
      throw new ShapeMismatchError(
        `${name}: state tensor #${i} holds [${names}], this optimizer keeps [${[...slotNames].sort()}]`,
      );
    }
    for (const [slot, values] of Object.entries(ts.slots)) {
      if (!isFloatArray(values) || values.length !== l.size) {
        throw new ShapeMismatchError(
          `${name}: state ${slot} of tensor #${i} must be a float array of ${l.size} elements`,
        );
      }
    }
  });
}
