import ndarray from 'ndarray';
import { ShapeMismatchError } from '../errors.js';
import { cloneState } from '../optimizers/recipeOptimizer.js';
import type { Optimizer, OptimizerState, Param } from '../optimizers/types.js';
import { layoutOf } from '../tensor/layout.js';
import { checkResumeState } from './resumeState.js';
import type { DeviceGradient, DeviceOptimizer, DeviceParam, DeviceStepOptions } from './deviceOptimizer.js';

/** The `'js'` backend: the core's own `stepInPlace` behind the device-optimizer interface. */
export async function typedArrayDeviceOptimizer(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  resume?: OptimizerState,
): Promise<DeviceOptimizer> {
  const coreParams: Param[] = params.map((p) => ({
    value: ndarray(Float32Array.from(p.data), [...p.shape]),
    outAxis: p.outAxis,
    gc: p.gc,
    name: p.name,
  }));
  let state = optimizer.init(coreParams);
  if (resume) {
    const slotNames = state.tensors.length > 0 ? Object.keys(state.tensors[0].slots) : [];
    checkResumeState(
      optimizer.name,
      coreParams.map((p) => layoutOf(p.value.shape, p.outAxis ?? 0)),
      slotNames,
      resume,
    );
    state = cloneState(resume);
    state.tensors.forEach((ts, i) => {
      for (const k of Object.keys(ts.slots)) ts.slots[k] = Float32Array.from(resume.tensors[i].slots[k]);
    });
  }
  return {
    backend: 'js',
    optimizer: optimizer.name,
    get count() {
      return state.count;
    },
    dispatchesPerStep: 0,
    async step(grads: readonly DeviceGradient[], options: DeviceStepOptions = {}) {
      grads.forEach((g, i) => {
        if (!(g instanceof Float32Array))
          throw new ShapeMismatchError(`gradient #${i}: the 'js' backend takes Float32Array gradients only`);
      });
      optimizer.stepInPlace(coreParams, grads as Float32Array[], state, options);
    },
    slabs: [],
    async stepSlabs() {
      throw new ShapeMismatchError(`${optimizer.name}: the 'js' backend has no device arrays; use step()`);
    },
    async readParams() {
      return coreParams.map((p) => Float32Array.from(p.value.data as Float32Array));
    },
    async readState() {
      return cloneState(state);
    },
    deviceShape: () => null,
    kernelModes: () => ['js'],
    async finish() {},
    dispose() {},
  };
}
