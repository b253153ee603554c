import { afterAll, describe, expect, it } from 'vitest';
import { replayGolden, type ReplayReport } from '../../src/index.js';
import { fastBackend, type FastBackendOptions, type FastOptimizer } from '../../src/fast/index.js';
import { goldenFiles, loadInputs } from '../goldenFixtures.js';

const inputs = loadInputs();
const files = goldenFiles();

/** Optimizers whose recipes the fast path fuses; everything else must fall back to the core path. */
const FUSED = new Set([
  'SGD_GC',
  'SGD_GCC',
  'SGDW',
  'SGDW_GC',
  'SGDW_GCC',
  'SGD',
  'Adam_GC',
  'Adam_GCC',
  'Adam_GC2',
  'Adam_GCC2',
  'AdamW',
  'AdamW_GC',
  'AdamW_GCC',
  'AdamW_GC2',
  'AdamW_GCC2',
  'Adam',
  'Adagrad_GC',
  'Adagrad_GCC',
]);

const BACKENDS: [string, FastBackendOptions][] = [
  ['wasm-simd, 2 threads', { backend: 'auto', threads: 2 }],
  ['wasm-simd, 1 thread', { backend: 'auto', threads: 1 }],
  ['js', { backend: 'js' }],
];

function expectAllPassed(report: ReplayReport, golden: (typeof files)[number]['golden']) {
  const failed = report.cases.filter((c) => !c.passed);
  expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
  expect(report.cases.length).toBe(golden.cases.reduce((n, c) => n + (c.float64_nocast ? 3 : 2), 0));
}

describe('fast path: replay of the 23 reference trajectories', () => {
  it('has all 23 reference classes', () => expect(files.length).toBe(23));
  const made: FastOptimizer[] = [];
  afterAll(() => made.forEach((f) => f.dispose()));

  for (const [label, options] of BACKENDS) {
    for (const { golden } of files) {
      it(`${label}: ${golden.family}/${golden.optimizer}`, () => {
        const seen: FastOptimizer[] = [];
        const report = replayGolden(golden, inputs, {
          backend: fastBackend({ ...options, onCreate: (f) => seen.push(f) }),
        });
        expectAllPassed(report, golden);
        // which path ran: fused kernels for the covered recipes, the core for the rest
        const float32 = seen.filter((f) => f.params[0].value.data instanceof Float32Array);
        const float64 = seen.filter((f) => f.params[0].value.data instanceof Float64Array);
        expect(float32.length).toBeGreaterThan(0);
        // the first-release AdamW and the advanced AdamW share a name; both recipes are fused
        const fused = FUSED.has(golden.optimizer) && !golden.optimizer.startsWith('Lookahead');
        if (fused) {
          const want32 = options.backend === 'js' ? 'js' : 'wasm-simd';
          expect(float32.map((f) => f.backend)).toEqual(float32.map(() => want32));
          expect(float64.map((f) => f.backend)).toEqual(float64.map(() => 'js'));
          if (want32 === 'wasm-simd') expect(float32.every((f) => f.threads === options.threads)).toBe(true);
        } else {
          expect(seen.every((f) => f.backend === 'core' && f.plan === null)).toBe(true);
        }
      });
    }
  }
});
