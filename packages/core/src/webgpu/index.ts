/**
 * @gcopt/core/webgpu — the fused optimizers as hand-written WGSL compute shaders on a WebGPU device:
 * one pass per step (GC's row mean reduced in workgroup memory, then p, m, v updated in the same
 * dispatch), every tensor in one command buffer, one submit per step, no readback unless asked.
 * In Node, `navigator.gpu` comes from the optional `webgpu` package (Dawn), loaded on first use.
 */
export {
  createWgslOptimizer,
  type WgslOptimizer,
  type WgslOptimizerOptions,
  type WgslStepOptions,
  type WgslGradient,
  type RowReduction,
} from './wgslOptimizer.js';
export { acquireWebGpuDevice, isSoftwareDevice, type AcquiredDevice } from './webGpuDevice.js';
export { wgslPlan, wgslRuleOf, type WgslRule } from './wgslRule.js';
export { createCopyFloor, type CopyFloor } from './copyFloor.js';
export type { GpuBuffer, GpuDevice } from './gpuTypes.js';
