import { Adam } from '@gcopt/core';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../src/bench.js';
import { TOLERANCE, maxRelativeError } from '../src/correctness.js';
import { benchData } from '../src/data.js';
import { coreRunner, fastRunner } from '../src/gcoptRunners.js';
import { BENCH_OPTIMIZERS } from '../src/optimizers.js';
import type { ParamSet } from '../src/paramSets.js';
import { torchAvailable } from '../src/torchRunner.js';

/** A small set with every kind of tensor the large ones have (conv, 1×1 conv, linear, biases, odd row lengths). */
const TINY: ParamSet = {
  name: 'tiny',
  shapes: [[16, 3, 3, 3], [16], [32, 16, 1, 1], [32], [24, 32, 3, 3], [10, 37], [10]],
  size: 16 * 27 + 16 + 32 * 16 + 32 + 24 * 32 * 9 + 370 + 10,
};

describe("the benchmark's own correctness check (what `pnpm bench --quick` checks, on a tiny set)", () => {
  it('every implementation ends with the core path’s parameters, to float32 tolerance', async () => {
    const torch = torchAvailable();
    if (!('version' in torch)) {
      console.warn(
        `\n!!! PyTorch is NOT available (${torch.missing}): the PyTorch baseline is NOT checked here. ` +
          'Run benchmarks/scripts/setup-torch.sh. !!!\n',
      );
    }
    const report = await runBenchmark({
      sets: [TINY],
      schedule: { warmup: 1, reps: 7 },
      threads: 2,
      torch: true,
      setupTorch: false,
      tfjs: [
        { backend: 'wasm', sets: ['tiny'] },
        { backend: 'cpu', sets: ['tiny'] },
      ],
      floorReps: 3,
      gpuJsSets: ['tiny'],
    });
    expect(report.failures).toEqual([]);
    const impls = [
      'gcopt core (recipe)',
      'gcopt wasm-simd threads',
      'gcopt wasm-simd threads, no NaN check',
      'gcopt wasm-simd 1 thread',
      'gcopt js (fused fallback)',
      'gcopt gpu.js webasm',
      'tfjs-wasm (tf ops + GC)',
      'tfjs-cpu (tf ops + GC)',
      'gcopt wasm-simd threads, gradients copied in',
    ];
    for (const opt of BENCH_OPTIMIZERS) {
      const got = report.lines.filter((l) => l.optimizer === opt.name).map((l) => l.impl);
      const torchLine = opt.name === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference';
      const foreach =
        'PyTorch foreach (torch.optim.Adam(foreach=True)' + `${opt.centralizes ? ' + GC by _foreach_sub' : ''})`;
      const torchLines = [
        torchLine,
        `${torchLine}, 1 thread`,
        ...(opt.torchForeach ? [foreach, `${foreach}, 1 thread`] : []),
      ];
      expect(got.sort()).toEqual(('version' in torch ? [...impls, ...torchLines] : impls).sort());
    }
    if (!('version' in torch)) expect(report.notes.join()).toMatch(/PyTorch baseline NOT RUN/);
    for (const l of report.lines) {
      expect(l.samples.length).toBe(7);
      expect(l.maxRelError).toBeLessThanOrEqual(TOLERANCE);
    }
    // the threaded line really ran the WebAssembly kernels on two threads
    expect(report.lines.find((l) => l.impl === 'gcopt wasm-simd threads')?.detail).toBe('wasm-simd ×2');
  });

  // With one fixed gradient, Adam's step is ≈ lr·sign(m)/… whatever β1, β2 are, so the timed runs
  // cannot see a wrong β (the golden replay in packages/core/test/fast does); they do see a missing
  // GC, a wrong learning rate, bias correction, eps placement or weight decay.
  it('fails loudly for a fast kernel that skips GC', async () => {
    const opt = BENCH_OPTIMIZERS.find((o) => o.name === 'Adam_GC')!;
    const data = benchData(TINY);
    const schedule = { warmup: 1, reps: 7 };
    const reference = await coreRunner.run(TINY, opt, data, schedule);
    const wrong = await fastRunner('wrong', { threads: 1 }).run(
      TINY,
      { ...opt, make: () => Adam({ lr: 1e-3 }) },
      data,
      schedule,
    );
    expect(maxRelativeError(wrong.final, reference.final)).toBeGreaterThan(TOLERANCE);
    const right = await fastRunner('right', { threads: 1 }).run(TINY, opt, data, schedule);
    expect(maxRelativeError(right.final, reference.final)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('counts NaN, a length mismatch and a missing tensor as errors', () => {
    const a = [new Float32Array([1, 2, 3])];
    expect(maxRelativeError(a, a)).toBe(0);
    expect(maxRelativeError([new Float32Array([1, Number.NaN, 3])], a)).toBe(Infinity);
    expect(maxRelativeError([new Float32Array([1, 2])], a)).toBe(Infinity);
    expect(maxRelativeError([], a)).toBe(Infinity);
    expect(maxRelativeError([new Float32Array([1, 2, 3.0001])], a)).toBeGreaterThan(TOLERANCE);
  });
});
