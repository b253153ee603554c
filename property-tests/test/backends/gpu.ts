/**
 * `@gcopt/core/gpu`: fused GC + optimizer kernels compiled by gpu.js, parameters and state kept on the
 * device. Modes: `cpu` (transpiled JS) and `webasm` always; `webgpu` where an adapter exists (the test
 * script provisions Mesa lavapipe, as the core's does). Float32 only; only the fused optimizers
 * (SGD/SGDW/Adam/AdamW/Adagrad families). A kernel compiles per instance, so these run a smaller budget.
 */
import { setWarningHandler } from '@gcopt/core';
import { createDeviceOptimizer, fusedPlanOf, probeBackend, type GpuJsMode } from '@gcopt/core/gpu';
import type { Backend } from '../../src/index.js';
import { coreOptimizer } from '../../src/index.js';

function gpuBackend(mode: GpuJsMode): Backend {
  return {
    name: `@gcopt/core/gpu ${mode}`,
    optimizers: {
      dtypes: ['float32'],
      // GPU kernels sum in float32
      accumulation: 'storage',
      describesState: true,
      budget: { numRuns: 2, maxSteps: 3, maxSize: 48 },
      supports(name, family) {
        if (name.startsWith('Lookahead')) return false;
        try {
          fusedPlanOf(coreOptimizer(name, family, { lr: 0.1 }));
          return true;
        } catch {
          return false;
        }
      },
      async create(name, family, hyper, params) {
        const device = await createDeviceOptimizer(
          coreOptimizer(name, family, hyper),
          params.map((p) => ({ name: p.name, shape: p.shape, outAxis: p.outAxis, data: Float32Array.from(p.data) })),
          { backend: mode },
        );
        const fellBack = device.kernelModes().filter((m) => m !== mode);
        if (fellBack.length > 0) throw new Error(`gpu.js compiled kernels for ${fellBack} instead of ${mode}`);
        return {
          step: (grads, options) =>
            device.step(grads as Float32Array[], options?.lr === undefined ? {} : { lr: options.lr }),
          params: () => device.readParams(),
          stateShapes: async () =>
            (await device.readState()).tensors.map((ts) => ({
              shape: ts.shape,
              slots: Object.fromEntries(
                Object.entries(ts.slots).map(([k, v]) => [k, `${v.constructor.name}[${v.length}]`]),
              ),
            })),
          dispose: () => device.dispose(),
        };
      },
    },
  };
}

// the device optimizers report fan-in-1 tensors through the process-wide handler; the suite draws them on purpose
setWarningHandler(() => {});

const modes: GpuJsMode[] = ['cpu', 'webasm'];
const webgpu = await probeBackend('webgpu');
if (webgpu.available) modes.push('webgpu');
else console.warn(`property-tests: webgpu not registered: ${webgpu.reason}`);

export const gpuBackends: Backend[] = modes.map(gpuBackend);
