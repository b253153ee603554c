import type { Optimizer } from '../optimizers/types.js';
import type { DeviceGradient, DeviceOptimizer, DeviceParam } from '../gpu/deviceOptimizer.js';
import { ShapeMismatchError } from '../errors.js';
import type { OptimizerState } from '../optimizers/types.js';
import { emitWarning, notFusedWarning, type WarningHandler } from '../warnings.js';
import { typedArrayDeviceOptimizer } from '../gpu/typedArrayDeviceOptimizer.js';
import { isGpuBuffer } from './gpuTypes.js';
import { createWgslOptimizer, type WgslGradient } from './wgslOptimizer.js';
import { wgslPlan } from './wgslRule.js';

/**
 * The WGSL optimizer behind the `DeviceOptimizer` interface (`createDeviceOptimizer` with backend
 * `'wgsl'`, the one `chooseBackend` prefers). Each tensor is its own device array in its own
 * layout, so its "slab" is the tensor itself (`[size, 1]`), and a device gradient is a GPUBuffer
 * of the tensor's float32s. A recipe the kernels cannot run (RAdam, Lookahead…) runs the core's
 * path behind the same interface, with one warning naming the transform (as the gpu.js backends).
 */
export async function wgslDeviceOptimizer(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  options: { state?: OptimizerState; onWarning?: WarningHandler },
): Promise<DeviceOptimizer> {
  const { plan, transform, reason } = wgslPlan(optimizer.recipe);
  if (!plan) {
    emitWarning(notFusedWarning('wgsl', optimizer.name, transform, reason), options.onWarning);
    return typedArrayDeviceOptimizer(optimizer, params, options.state);
  }
  const wgsl = await createWgslOptimizer(optimizer, params, options);
  const sizes = params.map((p) => p.data.length);
  const asGradients = (grads: readonly DeviceGradient[]): WgslGradient[] =>
    grads.map((g, i) => {
      if (g instanceof Float32Array || isGpuBuffer(g)) return g;
      throw new ShapeMismatchError(
        `${optimizer.name}: gradient #${i} must be a Float32Array or a GPUBuffer for the wgsl backend`,
      );
    });
  // a step with host gradients: one update per tensor, plus the partial sums of long centred rows
  let dispatchesPerStep = 0;
  const self: DeviceOptimizer = {
    backend: 'wgsl',
    optimizer: optimizer.name,
    get count() {
      return wgsl.count;
    },
    get dispatchesPerStep() {
      return dispatchesPerStep;
    },
    async step(grads, stepOptions = {}) {
      await wgsl.step(asGradients(grads), stepOptions);
      dispatchesPerStep = wgsl.lastDispatches;
    },
    slabs: sizes.map((size, index) => ({
      shape: [size, 1] as [number, number],
      tensors: [{ index, rowOffset: 0, rows: 1, transposed: false }],
    })),
    stepSlabs: (grads, stepOptions) => self.step(grads, stepOptions),
    readParams: () => wgsl.readParams(),
    readState: () => wgsl.readState(),
    deviceShape: (index) => {
      wgsl.paramBuffer(index); // validates the index
      return [sizes[index], 1];
    },
    kernelModes: () => ['wgsl'],
    finish: () => wgsl.finish(),
    dispose: () => wgsl.dispose(),
  };
  return self;
}
