/**
 * Where a device optimizer computes:
 * - `'wgsl'`: the hand-written WGSL kernels of `@gcopt/core/webgpu` on a WebGPU device (one fused
 *   pass and one submit per step);
 * - `'js'`: the core's typed-array path (`stepInPlace`), the reference every kernel is tested against;
 * - a gpu.js mode: the same fused kernels compiled for WebGPU (WGSL compute), WebGL 2/1 or
 *   headless-gl (fragment shaders), WebAssembly (`webasm`) or plain JavaScript (`cpu`).
 */
export type DeviceBackend = 'wgsl' | 'js' | GpuJsMode;
/** The gpu.js modes a device optimizer can compile its kernels for. */
export type GpuJsMode = 'webgpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';

/** Best first: the order `chooseBackend` tries them in. */
export const BACKEND_PREFERENCE: readonly DeviceBackend[] = [
  'wgsl',
  'webgpu',
  'webgl2',
  'headlessgl',
  'webgl',
  'webasm',
  'js',
  'cpu',
];

/** Whether `mode` is one of gpu.js's own modes (everything but `'js'`). */
export function isGpuJsMode(mode: string): mode is GpuJsMode {
  return ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'].includes(mode);
}

/** GL modes address textures with float coordinates: exact only below 2^24 elements per tensor. */
export function isGlMode(backend: DeviceBackend): boolean {
  return backend === 'webgl2' || backend === 'webgl' || backend === 'headlessgl';
}
