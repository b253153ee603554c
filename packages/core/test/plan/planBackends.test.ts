/**
 * Every fused backend runs what the recipe says, because each one runs `compilePlan(recipe)` or the
 * recipe itself: a recipe changed by hand changes every backend's numbers the same way, and a
 * transform no fused backend knows sends every backend to the core path with one warning naming it.
 * (The tfjs tensor backend has the same test in packages/tfjs/test/notFused.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWarningHandler, type GcoptWarning, type Optimizer } from '../../src/index.js';
import { createFastOptimizerSync, type FastOptions } from '../../src/fast/index.js';
import { createDeviceOptimizer, type GpuJsMode } from '../../src/gpu/index.js';
import { requireMode, TESTED_MODES } from '../gpu/backends.js';
import { coreTrajectory } from '../gpu/helpers.js';
import { movedDecay, unmovedDecay, withCustom } from './handWrittenRecipes.js';

const SHAPES = [[4, 6], [3, 2, 2, 2], [5]];
const STEPS = 3;

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1 + (i % 3) * 0.25;
  }
  return out;
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const init = SHAPES.map((s, i) => values(size(s), 7 + i));
const grads = Array.from({ length: STEPS }, (_, t) => SHAPES.map((s, i) => values(size(s), 100 * t + i + 1)));

function coreRun(optimizer: Optimizer): Float32Array[] {
  return coreTrajectory(
    optimizer,
    SHAPES.map((shape, i) => ({ shape, data: init[i] })),
    grads,
  );
}

function fastRun(optimizer: Optimizer, options: FastOptions) {
  const fast = createFastOptimizerSync(
    optimizer,
    SHAPES.map((shape, i) => ({ shape, init: init[i] })),
    options,
  );
  for (const g of grads) {
    g.forEach((x, i) => fast.grads[i].set(x));
    fast.step();
  }
  fast.dispose();
  return { backend: fast.backend, params: fast.params.map((p) => Float32Array.from(p.value.data as Float32Array)) };
}

async function gpuRun(optimizer: Optimizer, mode: GpuJsMode, onWarning: (w: GcoptWarning) => void) {
  const device = await createDeviceOptimizer(
    optimizer,
    SHAPES.map((shape, i) => ({ shape, data: init[i].slice() })),
    { backend: mode, onWarning },
  );
  for (const g of grads) await device.step(g);
  const params = await device.readParams();
  device.dispose();
  return { backend: device.backend, params };
}

function maxRelativeError(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < x.length; j++) {
      diff = Math.max(diff, Math.abs(x[j] - b[i][j]));
      scale = Math.max(scale, Math.abs(b[i][j]));
    }
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

beforeAll(() => setWarningHandler(() => {}));
afterAll(() => setWarningHandler(null));

describe('a recipe changed by hand', () => {
  const core = coreRun(movedDecay());
  const differs = coreRun(unmovedDecay());

  it('is a different optimizer (the check below can fail)', () => {
    expect(maxRelativeError(differs, core)).toBeGreaterThan(1e-3);
  });

  for (const backend of ['wasm-simd', 'js'] as const) {
    it(`runs as written on the fast path (${backend})`, () => {
      const run = fastRun(movedDecay(), { backend, threads: 1 });
      expect(run.backend).toBe(backend);
      expect(maxRelativeError(run.params, core)).toBeLessThanOrEqual(1e-6);
    });
  }

  for (const mode of TESTED_MODES) {
    it(`runs as written on the gpu.js kernels (${mode})`, async ({ skip }) => {
      if (!(await requireMode(mode))) return skip();
      const run = await gpuRun(movedDecay(), mode, () => {});
      expect(run.backend).toBe(mode);
      expect(maxRelativeError(run.params, core)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('a transform no fused backend knows', () => {
  const core = coreRun(withCustom());

  it('matters (the check below can fail)', () => {
    expect(maxRelativeError(coreRun(movedDecay()), core)).toBeGreaterThan(1e-3);
  });

  for (const backend of ['auto', 'js'] as const) {
    it(`sends the fast path (${backend}) to the core path with one warning naming it`, () => {
      const warnings: GcoptWarning[] = [];
      const run = fastRun(withCustom(), { backend, onWarning: (w) => warnings.push(w) });
      expect(run.backend).toBe('core');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: 'not-fused', transform: 'halveUpdate', backend: 'the fast path' });
      expect(warnings[0].message).toMatch(
        /WithCustom on the core path .*halveUpdate: no fused backend implements descriptor kind 'custom'/,
      );
      expect(run.params).toEqual(core);
    });
  }

  it("refuses an explicit 'wasm-simd' request, naming it", () => {
    expect(() => fastRun(withCustom(), { backend: 'wasm-simd' })).toThrow(/halveUpdate/);
  });

  for (const mode of TESTED_MODES) {
    it(`sends gpu.js ${mode} to the core path with one warning naming it`, async ({ skip }) => {
      if (!(await requireMode(mode))) return skip();
      const warnings: GcoptWarning[] = [];
      const run = await gpuRun(withCustom(), mode, (w) => warnings.push(w));
      expect(run.backend).toBe('js');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: 'not-fused', transform: 'halveUpdate', backend: `gpu.js ${mode}` });
      expect(run.params).toEqual(core);
    });
  }
});
