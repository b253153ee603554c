/**
 * `@gcopt/core/fast`: fused kernels over one memory — WebAssembly SIMD (float32) and the fused plain-JS
 * loops (float32 and float64). Only the optimizers the fast path fuses are registered (the others run the
 * core path, already covered by the core backend).
 */
import { createFastOptimizer, fastPathCovers, wasmSimdSupported } from '@gcopt/core/fast';
import type { Backend, ParamSpec } from '../../src/index.js';
import { coreOptimizer } from '../../src/index.js';
import type { FloatArray } from '@gcopt/core';

function fastBackend(kind: 'wasm-simd' | 'js'): Backend {
  return {
    name: `@gcopt/core/fast ${kind}`,
    optimizers: {
      dtypes: kind === 'wasm-simd' ? ['float32'] : ['float32', 'float64'],
      // worst case assumed: the fused kernels may sum in the storage precision
      accumulation: 'storage',
      describesState: true,
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
          params.map((p) => ({ shape: p.shape, outAxis: p.outAxis, name: p.name, init: p.data })),
          { backend: kind, dtype, threads: 1 },
        );
        if (fast.backend !== kind) throw new Error(`asked for ${kind}, got ${fast.backend} (${fast.note})`);
        return {
          step(grads, options) {
            grads.forEach((g, i) => fast.grads[i].set(g));
            fast.step(options?.lr === undefined ? {} : { lr: options.lr });
          },
          params: () => fast.params.map((p) => (p.value.data as FloatArray).slice()),
          stateShapes: () =>
            fast.state.tensors.map((ts) => ({
              shape: ts.shape,
              slots: Object.fromEntries(Object.entries(ts.slots).map(([k, v]) => [k, `${v.constructor.name}[${v.length}]`])),
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

export const fastBackends: Backend[] = [...(wasmSimdSupported() ? [fastBackend('wasm-simd')] : []), fastBackend('js')];
