import { coreBackend, fromReferenceKwargs, relativeError, type GoldenFile, type GoldenInputs } from '@gcopt/core';
import { createDeviceOptimizer, fusedPlanOf, type DeviceBackend } from '@gcopt/core/gpu';

export interface GoldenDeviceCase {
  readonly file: string;
  readonly id: string;
  readonly steps: number;
  /**
   * Largest `|a−b|/max(1,|b|)` over every step and parameter: device vs the core (float32), device vs
   * PyTorch's float32 run.
   */
  readonly vsCore: number;
  readonly vsGolden: number;
  /** The gpu.js modes the kernels were compiled for (the device optimizer's `kernelModes()`). */
  readonly kernelModes: readonly string[];
}

export interface GoldenDeviceReport {
  readonly mode: DeviceBackend;
  readonly cases: readonly GoldenDeviceCase[];
  /** Cases whose optimizer has no fused kernel (RAdam, Ranger, Lookahead), with the reason. */
  readonly notFused: readonly { file: string; id: string; reason: string }[];
}

function maxError(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let worst = 0;
  a.forEach((values, i) => {
    for (let k = 0; k < values.length; k++) worst = Math.max(worst, relativeError(values[k], b[i][k]));
  });
  return worst;
}

/**
 * Replays the float32 trajectories of golden files through the gpu.js device optimizer on `mode`,
 * step by step, against the core's own float32 replay and against the recorded PyTorch values.
 */
export async function replayGoldenOnDevice(
  files: readonly { name: string; golden: GoldenFile }[],
  inputs: GoldenInputs,
  mode: DeviceBackend,
): Promise<GoldenDeviceReport> {
  const cases: GoldenDeviceCase[] = [];
  const notFused: { file: string; id: string; reason: string }[] = [];
  const quiet = { onWarning: () => {} };
  const toF32 = (values: number[]) => Float32Array.from(values);
  for (const { name, golden } of files) {
    const shapes = golden.params.map((p) => p.shape);
    for (const c of golden.cases) {
      const optimizer = fromReferenceKwargs(golden.optimizer, golden.family, c.kwargs, quiet);
      try {
        fusedPlanOf(optimizer);
      } catch (e) {
        notFused.push({ file: name, id: c.id, reason: (e as Error).message });
        continue;
      }
      const init = inputs.float32.init.map(toF32);
      const grads = inputs.float32.grads.slice(0, c.steps).map((g) => g.map(toF32));
      const core = coreBackend()({
        optimizer: fromReferenceKwargs(golden.optimizer, golden.family, c.kwargs, quiet),
        reference: { name: golden.optimizer, family: golden.family, kwargs: c.kwargs },
        dtype: 'float32',
        names: golden.params.map((p) => p.name),
        shapes,
        outAxes: shapes.map(() => 0),
        init,
        grads,
        onWarning: quiet.onWarning,
      });
      const device = await createDeviceOptimizer(
        optimizer,
        shapes.map((shape, i) => ({ shape, data: init[i].slice() })),
        { backend: mode, ...quiet },
      );
      let vsCore = 0;
      let vsGolden = 0;
      let kernelModes: string[] = [];
      try {
        for (let t = 0; t < grads.length; t++) {
          await device.step(grads[t]);
          const now = await device.readParams();
          vsCore = Math.max(vsCore, maxError(now, core.params[t]));
          vsGolden = Math.max(vsGolden, maxError(now, c.float32.params[t]));
        }
        kernelModes = device.kernelModes();
      } finally {
        device.dispose();
      }
      cases.push({ file: name, id: c.id, steps: grads.length, vsCore, vsGolden, kernelModes });
    }
  }
  return { mode, cases, notFused };
}
