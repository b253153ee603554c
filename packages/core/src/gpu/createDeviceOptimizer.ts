import type { Optimizer } from '../optimizers/types.js';
import { isGpuJsMode } from './backendMode.js';
import type { DeviceOptimizer, DeviceOptimizerOptions, DeviceParam } from './deviceOptimizer.js';
import { gpuJsDeviceOptimizer } from './gpuJsDeviceOptimizer.js';
import { typedArrayDeviceOptimizer } from './typedArrayDeviceOptimizer.js';
import { InvalidArgumentError } from '../errors.js';
import { wgslDeviceOptimizer } from '../webgpu/wgslDeviceOptimizer.js';

/**
 * Puts a model's parameters and `optimizer`'s state on `backend` once; each `step` then takes the
 * gradients and updates them there. `optimizer` is a core optimizer (e.g. `Adam_GC2({lr: 1e-3})`):
 * recipe compiles to the plan the fused kernels run (see `compilePlan`; a recipe they cannot run
 * runs the core path, with a warning), and with backend `'js'` it simply runs.
 */
export async function createDeviceOptimizer(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  options: DeviceOptimizerOptions,
): Promise<DeviceOptimizer> {
  const { backend, packing = 'by-width', maxSlabElements, onWarning, state } = options;
  if (packing !== 'by-width' && packing !== 'per-tensor')
    throw new InvalidArgumentError('packing', packing, "must be 'by-width' or 'per-tensor'");
  if (backend === 'js') return typedArrayDeviceOptimizer(optimizer, params, state);
  if (backend === 'wgsl') return wgslDeviceOptimizer(optimizer, params, { state, onWarning });
  if (!isGpuJsMode(backend)) {
    throw new InvalidArgumentError(
      'backend',
      backend,
      "must be 'wgsl', 'js' or a gpu.js mode: webgpu, webgl2, webgl, headlessgl, webasm, cpu",
    );
  }
  if (maxSlabElements !== undefined && !(maxSlabElements >= 1)) {
    throw new InvalidArgumentError('maxSlabElements', maxSlabElements, 'must be a number ≥ 1');
  }
  return gpuJsDeviceOptimizer(optimizer, params, backend, { packing, maxSlabElements, onWarning, state });
}
