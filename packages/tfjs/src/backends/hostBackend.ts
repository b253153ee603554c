import * as tf from '@tensorflow/tfjs-core';
import ndarray from 'ndarray';
import {
  InvalidArgumentError,
  type Optimizer as CoreOptimizer,
  type OptimizerState,
  type Param,
  type TensorState,
} from '@gcopt/core';
import { normalizedAxis, type StepItem } from './stepItem.js';

/**
 * The step computed by the core itself: variables, gradients and state are read into typed arrays
 * (`dataSync`), the core's `stepInPlace` updates them, and the results go back with `assign`.
 * Exact by construction. On the cpu backend the reads cost no copy; on GPU backends they are
 * downloads, which is why `tensor` is the default there. Call inside `tf.tidy`.
 */
export function hostStep(core: CoreOptimizer, items: readonly StepItem[], count: number, checkFinite: boolean): number {
  const params: Param[] = items.map(({ name, entry }) => ({
    value: ndarray(readFloat32(entry.variable, `variable '${name}'`).slice(), entry.shape),
    outAxis: entry.layout.outAxis,
    gc: entry.layout.gc,
    name,
  }));
  const grads = items.map(({ name, grad }) => (grad ? readFloat32(grad, `gradient of '${name}'`) : null));
  const tensors: TensorState[] = items.map(({ entry }) => ({
    shape: entry.shape,
    outAxis: normalizedAxis(entry.layout.outAxis, entry.shape.length),
    step: entry.step,
    slots: Object.fromEntries([...entry.slots].map(([slot, v]) => [slot, readFloat32(v, slot).slice()])),
  }));
  const state: OptimizerState = { optimizer: core.name, count, tensors };
  // validates everything first and throws before changing anything: tfjs is written only after it returns
  core.stepInPlace(params, grads, state, { checkFinite });
  items.forEach(({ entry }, i) => {
    entry.variable.assign(tf.tensor(params[i].value.data as Float32Array, entry.shape, 'float32'));
    for (const [slot, v] of entry.slots)
      v.assign(tf.tensor(state.tensors[i].slots[slot] as Float32Array, entry.shape, 'float32'));
    entry.step = state.tensors[i].step;
  });
  return state.count;
}

export function readFloat32(t: tf.Tensor, what: string): Float32Array {
  const data = t.dataSync();
  if (!(data instanceof Float32Array)) throw new InvalidArgumentError(what, t.dtype, 'must be float32');
  return data;
}
