import { createOptimizer as coreOptimizer } from '@gcopt/core';
import { createFastOptimizer } from '@gcopt/core/fast';
import { createDeviceOptimizer, type DeviceBackend } from '@gcopt/core/gpu';
import { createOptimizer as float32Optimizer } from '@gcopt/float32';
import type { DemoOptimizer } from '@gcopt/demo/browser';

/** A parameter tensor as the gradient runtime sees it, with its GC axis (ONNX layout). */
export interface HostParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly outAxis: number;
  readonly gc: boolean;
}

/**
 * Owns the weights and applies one optimizer step per batch. `params[i].data` always holds the
 * current weights on the host (what the next forward/backward pass reads).
 */
export interface ParameterUpdater {
  readonly params: readonly HostParam[];
  /** Which backend the update runs on, e.g. `wasm-simd, 2 threads` or `webgl2`. */
  readonly backend: string;
  step(grads: readonly Float32Array[]): Promise<void>;
  dispose(): void;
}

/** `@gcopt/float32`: validated, atomic in-place steps over plain Float32Arrays. */
export function float32Updater(optimizer: DemoOptimizer, initial: readonly HostParam[]): ParameterUpdater {
  const params = initial.map((p) => ({ ...p, data: p.data.slice() }));
  const opt = float32Optimizer(optimizer.name, { ...optimizer.options, family: optimizer.family }, params);
  return {
    params,
    backend: `@gcopt/float32 backend ${opt.backend.name}${opt.backend.note ? ` (${opt.backend.note})` : ''}`,
    async step(grads) {
      const byName: Record<string, Float32Array> = {};
      params.forEach((p, i) => (byName[p.name] = grads[i]));
      opt.step(byName);
    },
    dispose() {},
  };
}

/**
 * `@gcopt/core/fast`: fused WebAssembly SIMD kernels; `threads` > 1 needs SharedArrayBuffer (in a browser:
 * cross-origin isolation).
 */
export async function fastUpdater(
  optimizer: DemoOptimizer,
  initial: readonly HostParam[],
  threads: number,
): Promise<ParameterUpdater> {
  const fast = await createFastOptimizer(
    coreOptimizer(optimizer.name, { ...optimizer.options }, optimizer.family),
    initial.map((p) => ({ name: p.name, shape: [...p.shape], outAxis: p.outAxis, gc: p.gc, init: p.data })),
    { threads },
  );
  const params = initial.map((p, i) => ({ ...p, data: fast.params[i].value.data as Float32Array }));
  return {
    params,
    backend:
      `@gcopt/core/fast ${fast.backend}, ${fast.threads} thread${fast.threads > 1 ? 's' : ''}` +
      (fast.note ? ` (${fast.note})` : ''),
    async step(grads) {
      grads.forEach((g, i) => fast.grads[i].set(g));
      fast.step();
    },
    dispose: () => fast.dispose(),
  };
}

/** `@gcopt/core/gpu`: the fused gpu.js kernels; weights and state stay on the device, read back after each step. */
export async function deviceUpdater(
  optimizer: DemoOptimizer,
  initial: readonly HostParam[],
  mode: DeviceBackend,
): Promise<ParameterUpdater> {
  const params = initial.map((p) => ({ ...p, data: p.data.slice() }));
  const opt = await createDeviceOptimizer(
    coreOptimizer(optimizer.name, { ...optimizer.options }, optimizer.family),
    params,
    { backend: mode },
  );
  return {
    params,
    backend: `@gcopt/core/gpu ${mode}`,
    async step(grads) {
      await opt.step(grads);
      const now = await opt.readParams();
      now.forEach((values, i) => params[i].data.set(values));
    },
    dispose: () => opt.dispose(),
  };
}
