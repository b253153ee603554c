import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad_GC,
  Adagrad_GCC,
  Adam,
  Adam_GC,
  Adam_GC2,
  Adam_GCC2,
  AdamW,
  AdamW_FirstRelease,
  AdamW_GC,
  AdamW_GC2,
  planSlots,
  SGD,
  SGD_GC,
  SGD_GCC,
  SGDW,
  SGDW_GC,
  setWarningHandler,
  type Optimizer,
} from '../../src/index.js';
import { createDeviceOptimizer, fusedPlanOf, type Packing } from '../../src/gpu/index.js';
import { requireMode, TESTED_MODES } from './backends.js';
import { coreReference, gradientsOf, normRelativeError, random, testTensors, type TestTensor } from './helpers.js';

const TOLERANCE = 1e-5;
const STEPS = 5;

/** Every optimizer with fused kernels, with hyper-parameters that switch every branch on. */
const CASES: [string, () => Optimizer][] = [
  ['SGD_GC momentum + L2', () => SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2 })],
  ['SGD_GC nesterov', () => SGD_GC({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['SGD_GCC dampening', () => SGD_GCC({ lr: 0.1, momentum: 0.5, dampening: 0.1 })],
  ['SGDW_GC decoupled decay', () => SGDW_GC({ lr: 0.1, momentum: 0.9, weightDecay: 0.05 })],
  ['SGDW plain', () => SGDW({ lr: 0.1 })],
  ['SGD (advanced) useGc', () => SGD({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2, useGc: true })],
  ['Adam_GC', () => Adam_GC({ lr: 1e-2, weightDecay: 1e-2 })],
  ['Adam_GC2', () => Adam_GC2({ lr: 1e-2, weightDecay: 1e-2 })],
  ['Adam_GCC2 amsgrad', () => Adam_GCC2({ lr: 1e-2, amsgrad: true })],
  ['AdamW_GC', () => AdamW_GC({ lr: 1e-2, weightDecay: 1e-2 })],
  ['AdamW_GC2 amsgrad', () => AdamW_GC2({ lr: 1e-2, weightDecay: 0.1, amsgrad: true })],
  ['AdamW (first release)', () => AdamW_FirstRelease({ lr: 1e-2, weightDecay: 1e-2 })],
  ['Adam (advanced) GC on update', () => Adam({ lr: 1e-2, weightDecay: 1e-2, useGc: true })],
  ['AdamW (advanced) GC on gradient', () => AdamW({ lr: 1e-2, useGc: true, gcLoc: true })],
  ['AdamW (advanced) GC on update, amsgrad', () => AdamW({ lr: 1e-2, useGc: true, gcLoc: false, amsgrad: true })],
  ['Adagrad_GC', () => Adagrad_GC({ lr: 0.1, lrDecay: 0.01, weightDecay: 1e-2, initialAccumulatorValue: 0.1 })],
  ['Adagrad_GCC', () => Adagrad_GCC({ lr: 0.1 })],
];

/** Layouts that exercise every path of the slab layout and of the GC kernels. */
function model(): TestTensor[] {
  const t = testTensors(random(7));
  return [
    t('fc', [8, 12]),
    t('bias', [8]),
    t('conv', [4, 3, 3, 3]),
    t('conv1d', [5, 4, 3]), // rank 3: GC yes, GCC no
    t('long rows', [2, 5000]), // rows far longer than the threads reducing them
    t('offset rows', [6, 40], { gradOffset: 20 }, 100), // large per-row offsets (weights ~100, gradients ~20)
    t('tfjs dense', [6, 7], { outAxis: -1 }), // channels-last: transposed on the device
    t('tfjs conv', [2, 2, 3, 5], { outAxis: -1 }),
    t('middle axis', [3, 4, 5], { outAxis: 1 }),
    t('excluded', [5, 5], { gc: false }),
    // gradients that nearly cancel under GC: Adam/Adagrad normalize the tiny centred values to ±1,
    // so the mean must be as exact as the core's float64 one (a float32 mean flips their signs)
    t('cancelling rows', [4, 512], { gradOffset: 0.3, gradScale: 1e-5 }),
    t('fan-in 1', [3, 1]), // GC makes its gradient zero
    t('scalar-like', [1]),
  ];
}

beforeAll(() => setWarningHandler(() => {}));
afterAll(() => setWarningHandler(null));

describe.each(TESTED_MODES)('gpu.js mode %s: fused kernels = core typed-array path', (mode) => {
  let available = false;
  beforeAll(async () => {
    available = await requireMode(mode);
  });

  async function compare(make: () => Optimizer, packing: Packing, skip: () => void) {
    if (!available) return skip();
    const tensors = model();
    const device = await createDeviceOptimizer(make(), tensors, { backend: mode, packing });
    const reference = coreReference(make(), tensors);
    const rnd = random(11);
    try {
      for (let s = 0; s < STEPS; s++) {
        const grads = gradientsOf(tensors, rnd);
        await device.step(grads);
        reference.step(grads);
      }
      expect(device.kernelModes()).toEqual([mode]);
      expect(device.count).toBe(STEPS);
      const ours = await device.readParams();
      const theirs = reference.params();
      const state = await device.readState();
      const slots = planSlots(fusedPlanOf(make()));
      tensors.forEach((tensor, i) => {
        expect(normRelativeError(ours[i], theirs[i]), `${tensor.name}: parameters`).toBeLessThanOrEqual(TOLERANCE);
        expect(Object.keys(state.tensors[i].slots).sort()).toEqual(
          Object.keys(reference.state.tensors[i].slots).sort(),
        );
        for (const slot of slots) {
          const err = normRelativeError(state.tensors[i].slots[slot], reference.state.tensors[i].slots[slot]);
          expect(err, `${tensor.name}: ${slot}`).toBeLessThanOrEqual(TOLERANCE);
        }
      });
      // the parameters moved: the comparison is not between two untouched copies
      expect(normRelativeError(ours[0], tensors[0].data)).toBeGreaterThan(1e-3);
    } finally {
      device.dispose();
    }
  }

  it.for(CASES)('%s (tensors of one width packed together)', async ([, make], { skip }) =>
    compare(make, 'by-width', skip),
  );
  it.for(CASES.filter(([name]) => /Adam_GC2|SGD_GC momentum|Adagrad_GC$/.test(name)))(
    '%s (one device array per tensor)',
    async ([, make], { skip }) => compare(make, 'per-tensor', skip),
  );
});
