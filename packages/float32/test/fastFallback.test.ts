// Runtimes where the fast path cannot run (no WebAssembly SIMD; a browser's main thread, which refuses
// to compile the kernels synchronously): the default falls back to the core and says why; 'fast' throws.
import { describe, expect, it, vi } from 'vitest';
import { createOptimizer } from '../src/index.js';
import { makeGrads, makeModel, paramBytes } from './helpers.js';

const runtime = vi.hoisted(() => ({ simd: true, syncCompile: true }));

vi.mock('@gcopt/core/fast', async (importOriginal) => {
  const real = await importOriginal<typeof import('@gcopt/core/fast')>();
  return {
    ...real,
    wasmSimdSupported: () => runtime.simd && real.wasmSimdSupported(),
    createFastOptimizerSync: (...args: Parameters<typeof real.createFastOptimizerSync>) => {
      // Chromium's words for a synchronous compile of a module over 4 KB on the main thread
      if (!runtime.syncCompile) throw new RangeError('WebAssembly.Module(): disallowed on the main thread');
      return real.createFastOptimizerSync(...args);
    },
  };
});

const RUNTIMES = [
  [
    'without WebAssembly SIMD',
    { simd: false, syncCompile: true },
    /^Adam_GC2 runs on the core \(WebAssembly SIMD unavailable\)$/,
  ],
  [
    'whose main thread will not compile the kernels synchronously',
    { simd: true, syncCompile: false },
    /^Adam_GC2 runs on the core \(the fast path could not start: WebAssembly\.Module\(\): disallowed/,
  ],
] as const;

describe.each(RUNTIMES)('a runtime %s', (_label, setting, note) => {
  it('the default runs on the core, bit for bit, and says why', () => {
    Object.assign(runtime, setting);
    try {
      const model = makeModel();
      const opt = createOptimizer('Adam_GC2', { lr: 1e-2 }, model);
      expect(opt.backend.name).toBe('core');
      expect(opt.backend.groups).toEqual(['core']);
      expect(opt.backend.note).toMatch(note);
      const core = makeModel();
      const coreOpt = createOptimizer('Adam_GC2', { lr: 1e-2, backend: 'core' }, core);
      for (let t = 1; t <= 3; t++) {
        opt.step(makeGrads(model, t));
        coreOpt.step(makeGrads(core, t));
      }
      expect(paramBytes(model)).toEqual(paramBytes(core));
    } finally {
      Object.assign(runtime, { simd: true, syncCompile: true });
    }
  });

  it("backend 'fast' throws, naming backend", () => {
    Object.assign(runtime, setting);
    try {
      expect(() => createOptimizer('Adam_GC2', { backend: 'fast' }, makeModel())).toThrow(
        /backend = "fast" rejected: the fast path cannot run Adam_GC2: /,
      );
    } finally {
      Object.assign(runtime, { simd: true, syncCompile: true });
    }
  });
});

it('with both available the mock changes nothing: the default is the fast path', () => {
  expect(createOptimizer('Adam_GC2', {}, makeModel()).backend.name).toBe('fast');
});
