/**
 * `@gcopt/core/fast`: fused kernels over one memory — WebAssembly SIMD (float32) and the fused plain-JS
 * loops (float32 and float64). Only the optimizers the fast path fuses are registered (the others run the
 * core path, already covered by the core backend).
 */
import { createFastOptimizer, fastPathCovers, wasmSimdSupported } from '@gcopt/core/fast';
import type { Backend, ParamSpec } from '../../src/index.js';
import { coreOptimizer } from '../../src/index.js';
import type { FloatArray } from '@gcopt/core';

function fastBackend(kind: 'wasm-simd' | 'js', threads: number): Backend {
  return {
    name: `@gcopt/core/fast ${kind}${threads > 1 ? ` ${threads} threads` : ''}`,
    optimizers: {
      dtypes: kind === 'wasm-simd' ? ['float32'] : ['float32', 'float64'],
      // worst case assumed: the fused kernels may sum in the storage precision
      accumulation: 'storage',
      describesState: true,
      // a tensor above the 32,768-element task chunk, so that a step splits into tasks (and threads)
      valueCases: { nullGradients: true, gcExclusion: true, schedules: true, middleAxis: true, largeRuns: 3 },
      // each instance starts its worker threads: the 2-thread registration is for the large tensors, and
      // runs fewer small cases (the same kernels run the full budget on one thread)
      ...(threads > 1 ? { budget: { numRuns: 10 } } : {}),
      supports: (name, family) => {
        try {
          return fastPathCovers(coreOptimizer(name, family, sampleHyper(name)));
        } catch {
          return false;
        }
      },
      async create(name, family, hyper, params: readonly ParamSpec[]) {
        const dtype = params[0]?.dtype ?? 'float32';
        const fast = await createFastOptimizer(
          coreOptimizer(name, family, hyper),
          params.map((p) => ({ shape: p.shape, outAxis: p.outAxis, gc: p.gc, name: p.name, init: p.data })),
          { backend: kind, dtype, threads },
        );
        if (fast.backend !== kind) throw new Error(`asked for ${kind}, got ${fast.backend} (${fast.note})`);
        if (fast.threads !== threads) {
          throw new Error(`asked for ${threads} threads, got ${fast.threads} (${fast.note})`);
        }
        return {
          step(grads, options) {
            grads.forEach((g, i) => g && fast.grads[i].set(g));
            const skip = grads.map((g) => g === null);
            const lr = options?.lr === undefined ? {} : { lr: options.lr };
            fast.step({ ...lr, ...(skip.some(Boolean) ? { skip } : {}) });
          },
          params: () => fast.params.map((p) => (p.value.data as FloatArray).slice()),
          stateShapes: () =>
            fast.state.tensors.map((ts) => ({
              shape: ts.shape,
              slots: Object.fromEntries(
                Object.entries(ts.slots).map(([k, v]) => [k, `${v.constructor.name}[${v.length}]`]),
              ),
            })),
          dispose: () => fast.dispose(),
        };
      },
    },
  };
}

/** Options valid for each optimizer, only to ask the fast path whether it fuses the recipe. */
function sampleHyper(name: string): Record<string, any> {
  if (name.startsWith('Lookahead')) return { inner: { lr: 0.1 }, k: 2, alpha: 0.5 };
  return { lr: 0.1 };
}

// WebAssembly SIMD on one thread and on two (worker threads share the memory; tasks of 32,768 elements)
export const fastBackends: Backend[] = [
  ...(wasmSimdSupported() ? [fastBackend('wasm-simd', 1), fastBackend('wasm-simd', 2)] : []),
  fastBackend('js', 1),
];
