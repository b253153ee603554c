import type { GpuJsKernel, GpuJsModule } from './loadGpuJs.js';

/**
 * The gpu.js mode a kernel was compiled for. gpu.js's three GL kernel classes all call their mode
 * `'gpu'`, so those are told apart by class (headless-gl's extends WebGL 1's: it is checked first).
 */
export function compiledMode(kernel: GpuJsKernel, gpuJs: GpuJsModule): string {
  const compiled = kernel.kernel;
  const mode = compiled?.constructor.mode ?? 'unknown';
  if (mode !== 'gpu') return mode;
  const classes: [string, (new (...args: never[]) => unknown) | undefined][] = [
    ['headlessgl', gpuJs.HeadlessGLKernel],
    ['webgl2', gpuJs.WebGL2Kernel],
    ['webgl', gpuJs.WebGLKernel],
  ];
  return classes.find(([, cls]) => cls !== undefined && compiled instanceof cls)?.[0] ?? mode;
}
