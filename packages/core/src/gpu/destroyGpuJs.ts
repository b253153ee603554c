import { isGlMode, type GpuJsMode } from './backendMode.js';
import type { GpuJsGpu } from './loadGpuJs.js';

/**
 * Releases a gpu.js instance's kernels now, not on a later macrotask.
 *
 * gpu.js's `gpu.destroy()` defers the whole teardown to a `setTimeout`; until that timer runs, its
 * pending callback keeps the GPU, every kernel and (webasm) every kernel's own `WebAssembly.Memory`
 * reachable. A loop that creates, steps and disposes device optimizers without yielding to the
 * macrotask queue (webasm and cpu steps resolve in microtasks) never lets the timer run, so every
 * disposed optimizer stayed alive: about 17 MB of wasm memory each. Destroying the kernels here
 * drops those references at once (webasm's `kernel.destroy()` scrubs its cached memories);
 * `gpu.destroy()` still runs for the rest. GL modes keep their first kernel for it: gpu.destroy()
 * finds the GL context to lose through that kernel.
 */
export function destroyGpuJs(gpu: GpuJsGpu, mode: GpuJsMode): void {
  const kernels = [...(gpu.kernels ?? [])];
  for (const kernel of kernels.slice(isGlMode(mode) ? 1 : 0)) kernel.destroy(true);
  void gpu.destroy();
}
