/**
 * GC and fused optimizer steps as gpu.js kernels (WebGPU, WebGL 2/1, headless-gl,
 * WebAssembly, JavaScript), with parameters and state kept on the device across steps.
 * gpu.js (and, in Node, `webgpu`) are optional peer dependencies, loaded on first use.
 *
 * @module @gcopt/core/gpu
 */
export type { DeviceBackend, GpuJsMode } from './backendMode.js';
export { BACKEND_PREFERENCE, isGpuJsMode } from './backendMode.js';
export { chooseBackend, probeBackend, type BackendChoice, type BackendProbe } from './chooseBackend.js';
export { provideNavigatorGpu, loadGpuJs } from './loadGpuJs.js';
export type {
  DeviceOptimizer,
  DeviceOptimizerOptions,
  DeviceParam,
  DeviceGradient,
  DeviceStepOptions,
  SlabInfo,
} from './deviceOptimizer.js';
export { createDeviceOptimizer } from './createDeviceOptimizer.js';
export { fusedPlanOf, gpuJsPlan } from './gpuJsPlan.js';
export type { DeviceValue } from './deviceValues.js';
export type { Packing } from './slabLayout.js';
