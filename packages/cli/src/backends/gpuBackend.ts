import type { AsyncReplayBackend, WarningHandler } from '@gcopt/core';
import type * as GpuModule from '@gcopt/core/gpu';
import { BackendUnavailableError } from './backendUnavailable.js';

/** A gpu.js mode, or `'wgsl'`: the hand-written WGSL kernels of `@gcopt/core/webgpu`. */
export type GpuMode = 'cpu' | 'webasm' | 'webgpu' | 'wgsl';

/**
 * `@gcopt/core/gpu`'s device optimizer on `mode` (gpu.js kernels, or the WGSL ones): parameters
 * uploaded in the replayed layout (`outAxis` per tensor), one `step` per recorded gradient, parameters
 * and state read back. A recipe without fused kernels runs the documented fallback, the `'js'` device
 * backend, announced by one `not-fused` warning naming the transform; the case says so. Kernels that
 * ran anywhere but `mode` (gpu.js quietly compiling for another mode, a fallback without its warning,
 * or WGSL steps that dispatched nothing) fail the case.
 */
export async function gpuReplayBackend(gpu: typeof GpuModule, mode: GpuMode): Promise<AsyncReplayBackend> {
  const probe = await gpu.probeBackend(mode);
  if (!probe.available) throw new BackendUnavailableError(`gpu-${mode}: ${probe.reason}`);
  return async (run) => {
    const params = run.shapes.map((shape, i) => ({
      name: run.names[i],
      shape,
      data: Float32Array.from(run.init[i]),
      outAxis: run.outAxes[i],
    }));
    let fallback: string | undefined;
    const onWarning: WarningHandler = (w) => {
      // the wgsl warning already names its backend
      if (w.code === 'not-fused') fallback = mode === 'wgsl' ? w.message : `gpu.js ${mode}: ${w.message}`;
      else run.onWarning(w);
    };
    const device = await gpu.createDeviceOptimizer(run.optimizer, params, { backend: mode, onWarning });
    try {
      const trajectory: Float32Array[][] = [];
      for (const stepGrads of run.grads) {
        await device.step(stepGrads.map((g) => Float32Array.from(g)));
        // the fused WGSL step is one or more compute dispatches; none means nothing ran on the device
        if (!fallback && mode === 'wgsl' && !(device.dispatchesPerStep > 0)) {
          throw new Error(`the wgsl step dispatched ${device.dispatchesPerStep} kernels`);
        }
        trajectory.push(await device.readParams());
      }
      const modes = device.kernelModes();
      const want = fallback ? 'js' : mode;
      if (modes.length !== 1 || modes[0] !== want) throw new Error(`the kernels ran on [${modes}], not ${want}`);
      const state = await device.readState();
      return { params: trajectory, state, ...(fallback ? { fallback } : {}) };
    } finally {
      device.dispose();
    }
  };
}
