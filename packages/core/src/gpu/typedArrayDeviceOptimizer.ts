import ndarray from 'ndarray';
import { ShapeMismatchError } from '../errors.js';
import { cloneState } from '../optimizers/recipeOptimizer.js';
import type { Optimizer, Param } from '../optimizers/types.js';
import type { DeviceGradient, DeviceOptimizer, DeviceParam, DeviceStepOptions } from './deviceOptimizer.js';

/** The `'js'` backend: the core's own `stepInPlace` behind the device-optimizer interface. */
export async function typedArrayDeviceOptimizer(optimizer: Optimizer, params: readonly DeviceParam[]): Promise<DeviceOptimizer> {
  const coreParams: Param[] = params.map((p) => ({
    value: ndarray(Float32Array.from(p.data), [...p.shape]),
    outAxis: p.outAxis,
    gc: p.gc,
    name: p.name,
  }));
  const state = optimizer.init(coreParams);
  return {
    backend: 'js',
    optimizer: optimizer.name,
    get count() {
      return state.count;
    },
    dispatchesPerStep: 0,
    async step(grads: readonly DeviceGradient[], options: DeviceStepOptions = {}) {
      grads.forEach((g, i) => {
        if (!(g instanceof Float32Array)) throw new ShapeMismatchError(`gradient #${i}: the 'js' backend takes Float32Array gradients only`);
      });
      optimizer.stepInPlace(coreParams, grads as Float32Array[], state, options);
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
