/**
 * Channel means subtracted at float64 (or compensated) precision on every fused backend, as the core
 * does (docs/ALGORITHMS.md §1). On a nearly constant row such as [1, 1, 1 + 2^-23] the centred
 * gradient is ±2^-23/3-ish; a mean rounded to float32 (1) centres it to [0, 0, 2^-23] instead, and
 * Adam or Adagrad, which normalize it, then move the first two weights by 0 instead of about ∓lr.
 */
import ndarray from 'ndarray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad_GC,
  Adam_GC,
  AdamW_GC,
  AdamW_GC2,
  Adam,
  AdamW,
  SGD_GC,
  SGDW_GC,
  setWarningHandler,
  type Optimizer,
  type Param,
} from '../../src/index.js';
import { createFastOptimizerSync } from '../../src/fast/index.js';
import { createDeviceOptimizer } from '../../src/gpu/index.js';
import { requireMode, TESTED_MODES } from '../gpu/backends.js';

const ULP1 = 2 ** -23;
const SHAPE = [4, 3];
/** Rows that differ from a constant in one last-place bit, around 1, 3, 1000 and −0.75. */
const GRADIENT = Float32Array.from([
  1,
  1,
  1 + ULP1,
  3,
  3 - 2 * ULP1,
  3,
  1000,
  1000 + 2 ** -13,
  1000,
  -0.75,
  -0.75,
  -0.75 - ULP1 / 2,
]);
const PARAMS = Float32Array.from([0.5, -0.25, 0.125, 1, 2, 3, -1, 0, 1, 0, 0, 0]);
/** SGD's centred gradient is tiny here: weights at 0 keep its update visible. */
const ZEROS = new Float32Array(12);
/**
 * For GC on the update: with zero gradients Adam's direction is exactly 0, so the update before GC
 * is exactly weightDecay·p = p/2 on every backend: nearly constant rows when the weights are.
 */
const NEAR_CONSTANT_PARAMS = GRADIENT;
const STEPS = 2;
/** A few float32 last places of the weights, relative to the update (a float32 mean gives errors of 0.1–1). */
const TOLERANCE = 1e-4;

const CASES: [string, () => Optimizer, Float32Array, Float32Array][] = [
  ['Adam_GC', () => Adam_GC({ lr: 0.01 }), GRADIENT, PARAMS],
  ['AdamW_GC', () => AdamW_GC({ lr: 0.01, weightDecay: 0 }), GRADIENT, PARAMS],
  ['Adagrad_GC', () => Adagrad_GC({ lr: 0.01 }), GRADIENT, PARAMS],
  ['advanced Adam, GC on the gradient', () => Adam({ lr: 0.01, useGc: true, gcLoc: true }), GRADIENT, PARAMS],
  ['advanced AdamW, GC on the gradient', () => AdamW({ lr: 0.01, useGc: true, weightDecay: 0 }), GRADIENT, PARAMS],
  ['SGD_GC', () => SGD_GC({ lr: 0.01, momentum: 0.9 }), GRADIENT, ZEROS],
  ['SGDW_GC', () => SGDW_GC({ lr: 0.01 }), GRADIENT, ZEROS],
  // a huge lr makes the centred update (about 2^-25·|p|) visible in the weights
  ['AdamW_GC2', () => AdamW_GC2({ lr: 1e5, weightDecay: 0.5 }), ZEROS, NEAR_CONSTANT_PARAMS],
  [
    'advanced AdamW, GC on the update',
    () => AdamW({ lr: 1e5, weightDecay: 0.5, useGc: true, gcLoc: false }),
    ZEROS,
    NEAR_CONSTANT_PARAMS,
  ],
];

/** The updates (p_after − p_before) of each step, per the core. */
function coreUpdates(make: () => Optimizer, gradient: Float32Array, init: Float32Array): Float64Array[] {
  const optimizer = make();
  const params: Param[] = [{ value: ndarray(init.slice(), SHAPE) }];
  const state = optimizer.init(params);
  const out: Float64Array[] = [];
  for (let s = 0; s < STEPS; s++) {
    const before = Float64Array.from(params[0].value.data as Float32Array);
    optimizer.stepInPlace(params, [gradient], state);
    out.push(before.map((b, i) => (params[0].value.data as Float32Array)[i] - b));
  }
  return out;
}

/** Largest |fused − core| of an update, relative to the largest |core| of that update. */
function updateError(fused: Float64Array[], core: Float64Array[]): number {
  let worst = 0;
  core.forEach((c, s) => {
    const scale = Math.max(...c.map(Math.abs));
    c.forEach((x, i) => (worst = Math.max(worst, Math.abs(fused[s][i] - x) / scale)));
  });
  return worst;
}

beforeAll(() => setWarningHandler(() => {}));
afterAll(() => setWarningHandler(null));

describe.each(CASES)('%s on nearly constant rows', (_, make, gradient, init) => {
  const core = coreUpdates(make, gradient, init);

  it('moves every weight on the core (the check can fail)', () => {
    const firstStep = core[0];
    expect(Math.min(...firstStep.map(Math.abs))).toBeGreaterThan(0);
  });

  for (const backend of ['wasm-simd', 'js'] as const) {
    it(`fast ${backend} matches the core's updates`, () => {
      const fast = createFastOptimizerSync(make(), [{ shape: SHAPE, init }], { backend, threads: 1 });
      const updates: Float64Array[] = [];
      for (let s = 0; s < STEPS; s++) {
        const before = Float64Array.from(fast.params[0].value.data as Float32Array);
        fast.grads[0].set(gradient);
        fast.step();
        updates.push(before.map((b, i) => (fast.params[0].value.data as Float32Array)[i] - b));
      }
      fast.dispose();
      expect(fast.backend).toBe(backend);
      expect(updateError(updates, core)).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  for (const mode of TESTED_MODES) {
    it(`gpu.js ${mode} matches the core's updates`, async ({ skip }) => {
      if (!(await requireMode(mode))) return skip();
      const device = await createDeviceOptimizer(make(), [{ shape: SHAPE, data: init.slice() }], { backend: mode });
      const updates: Float64Array[] = [];
      let before = Float64Array.from(init);
      for (let s = 0; s < STEPS; s++) {
        await device.step([gradient.slice()]);
        const after = (await device.readParams())[0];
        updates.push(before.map((b, i) => after[i] - b));
        before = Float64Array.from(after);
      }
      device.dispose();
      expect(updateError(updates, core)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
