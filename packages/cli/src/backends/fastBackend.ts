import type { ReplayBackend, ReplayState } from '@gcopt/core';
import type * as FastModule from '@gcopt/core/fast';
import { BackendUnavailableError } from './backendUnavailable.js';

/**
 * `@gcopt/core/fast`: `'wasm'` runs the WebAssembly SIMD kernels on `threads` threads (float32),
 * `'js'` the fused plain-JS loops (float64 and float32). A recipe the fast path does not fuse runs
 * on its documented fallback, the core path (`backend: 'core'`), and the case says so; any other
 * backend than the one asked for fails the case.
 */
export function fastReplayBackend(fast: typeof FastModule, kind: 'wasm' | 'js', threads = 1): ReplayBackend {
  if (kind === 'wasm' && !fast.wasmSimdSupported()) {
    throw new BackendUnavailableError('fast: WebAssembly SIMD is not supported by this JavaScript engine');
  }
  if (kind === 'wasm' && threads > 1 && !fast.sharedMemorySupported()) {
    throw new BackendUnavailableError(`fast: ${threads} threads need SharedArrayBuffer and worker threads`);
  }
  return (run) => {
    const specs = run.shapes.map((shape, i) => ({
      shape,
      outAxis: run.outAxes[i],
      name: run.names[i],
      init: run.init[i],
    }));
    const optimizer = fast.createFastOptimizerSync(run.optimizer, specs, {
      backend: kind === 'wasm' ? 'auto' : 'js',
      dtype: run.dtype,
      ...(kind === 'wasm' ? { threads } : {}),
      // the not-fused fallback is reported by the case itself (`fallback` below), not as a warning
      onWarning: (w) => {
        if (w.code !== 'not-fused') run.onWarning(w);
      },
    });
    try {
      const want = kind === 'wasm' ? 'wasm-simd' : 'js';
      if (optimizer.backend !== want && optimizer.backend !== 'core') {
        throw new Error(`fast path ran '${optimizer.backend}' instead of '${want}': ${optimizer.note}`);
      }
      if (kind === 'wasm' && optimizer.backend === 'wasm-simd' && optimizer.threads !== threads) {
        throw new Error(`fast path ran on ${optimizer.threads} threads, asked for ${threads}`);
      }
      const params = run.grads.map((stepGrads) => {
        stepGrads.forEach((g, i) => optimizer.grads[i].set(g));
        optimizer.step();
        return optimizer.params.map((p) => (p.value.data as Float32Array | Float64Array).slice());
      });
      const state: ReplayState = {
        tensors: optimizer.state.tensors.map((t) => ({
          step: t.step,
          slots: Object.fromEntries(Object.entries(t.slots).map(([k, v]) => [k, v.slice()])),
        })),
      };
      if (optimizer.backend === 'core') return { params, state, fallback: optimizer.note || 'core path' };
      return { params, state };
    } finally {
      optimizer.dispose();
    }
  };
}
