/**
 * gpu.js and (in Node) the `webgpu` package are optional peer dependencies: they are loaded on
 * first use, so `@gcopt/core/gpu` can be imported where neither is installed and the `'js'`
 * backend still works.
 */

/** The parts of gpu.js this module uses (gpu.js ships its own typings; these stay loose on purpose). */
export interface GpuJsModule {
  GPU: GpuJsGpuClass;
  input(value: Float32Array, size: number[]): unknown;
  /** GL kernel classes (their mode is `'gpu'` for all three; see `compiledMode`). */
  HeadlessGLKernel?: new (
    ...args: never[]
  ) => unknown;
  WebGL2Kernel?: new (...args: never[]) => unknown;
  WebGLKernel?: new (...args: never[]) => unknown;
}
export interface GpuJsGpuClass {
  new (settings: { mode: string }): GpuJsGpu;
  readonly isWebGLSupported: boolean;
  readonly isWebGL2Supported: boolean;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGPUSupported: boolean;
  readonly isWebAssemblySupported: boolean;
  isWebGPUAvailable(): Promise<boolean>;
}
export interface GpuJsGpu {
  createKernel(fn: (...args: never[]) => number, settings: Record<string, unknown>): GpuJsKernel;
  addFunction(fn: (...args: never[]) => number, settings?: Record<string, unknown>): void;
  /** Every kernel instance this GPU created (a kernel's `destroy()` removes it from here). */
  readonly kernels?: readonly { destroy(removeCanvasReferences?: boolean): void }[];
  /** Asynchronous: gpu.js tears down on a later macrotask (`setTimeout`), not when called. */
  destroy(): unknown;
}
export type GpuJsKernel = ((...args: unknown[]) => unknown) & {
  kernel?: { constructor: { mode?: string } };
  destroy?(removeCanvasReferences?: boolean): void;
};

let gpuJs: Promise<GpuJsModule> | null = null;

/** Loads the optional `gpu.js` peer dependency, once per process. */
export function loadGpuJs(): Promise<GpuJsModule> {
  gpuJs ??= import('gpu.js').then(
    (m: unknown) => {
      const mod = ((m as { default?: unknown }).default ?? m) as GpuJsModule;
      if (typeof mod.GPU !== 'function') throw new Error('gpu.js loaded but exports no GPU class');
      return mod;
    },
    (e: unknown) => {
      gpuJs = null;
      throw new Error(`gpu.js is not installed (npm install gpu.js): ${(e as Error).message}`);
    },
  );
  return gpuJs;
}

/**
 * Makes `navigator.gpu` exist in Node by loading Dawn from the optional `webgpu` package (browsers
 * have it natively). Returns null when it is there, or the reason it is not.
 */
export async function provideNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) return 'navigator.gpu is missing (this browser has no WebGPU, or it is disabled)';
  let dawn: { create(flags: string[]): unknown; globals: Record<string, unknown> };
  try {
    const specifier = 'webgpu'; // a variable, so bundlers for the browser do not pull Dawn in
    dawn = (await import(/* @vite-ignore */ specifier)) as typeof dawn;
  } catch (e) {
    return (
      "navigator.gpu is missing and the optional package 'webgpu' (Dawn for Node) could not be loaded: " +
      (e as Error).message
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else (globalThis as { navigator?: unknown }).navigator = { gpu };
  return null;
}
