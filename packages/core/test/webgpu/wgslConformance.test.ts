import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromReferenceKwargs, InvalidArgumentError, relativeError } from '../../src/index.js';
import { TOLERANCE } from '../../src/reference/goldenFormat.js';
import { createWgslOptimizer, wgslRuleOf, type GpuDevice } from '../../src/webgpu/index.js';
import { goldenFiles, loadInputs } from '../goldenFixtures.js';
import { moveOutputAxis, restoreOutputAxis, testDevice } from './webGpuTestDevice.js';

// compiling a WGSL module takes minutes on lavapipe when the machine is loaded
vi.setConfig({ testTimeout: 900_000, hookTimeout: 300_000 });

const inputs = loadInputs();
const files = goldenFiles();

/** The reference classes the WGSL path fuses; the others have no fused form yet. */
const SUPPORTED = [
  'Adagrad_GC',
  'Adagrad_GCC',
  'AdamW',
  'AdamW_GC',
  'AdamW_GC2',
  'AdamW_GCC',
  'AdamW_GCC2',
  'Adam_GC',
  'Adam_GC2',
  'Adam_GCC',
  'Adam_GCC2',
  'SGDW',
  'SGDW_GC',
  'SGDW_GCC',
  'SGD_GC',
  'SGD_GCC', // first release
  'Adam',
  'AdamW',
  'SGD', // advanced
];
const UNSUPPORTED = ['Lookahead', 'PlainRAdam', 'RAdam', 'Ranger'];

/** Where each layout puts the output axis of a rank-r tensor (it starts at 0, PyTorch's place). */
const LAYOUTS: [string, (rank: number) => number][] = [
  ['output axis first (as recorded)', () => 0],
  ['output axis last (tfjs)', (rank) => Math.max(0, rank - 1)],
  ['output axis in the middle', (rank) => (rank >= 3 ? Math.floor(rank / 2) : Math.max(0, rank - 1))],
];

const quiet = () => {};
let device: GpuDevice | null = null;
beforeAll(async () => {
  device = await testDevice();
});
afterAll(() => device?.destroy());

function maxError(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  if (ours.length !== theirs.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ours.length; i++) m = Math.max(m, relativeError(ours[i], theirs[i]));
  return m;
}

describe('axis permutation helpers', () => {
  it('move the output axis exactly and back', () => {
    // [2, 3] → last: the transpose
    expect([...moveOutputAxis([0, 1, 2, 3, 4, 5], [2, 3], 1).data]).toEqual([0, 3, 1, 4, 2, 5]);
    // [2, 1, 3] → position 1: [1, 2, 3], same order
    expect(moveOutputAxis([0, 1, 2, 3, 4, 5], [2, 1, 3], 1).shape).toEqual([1, 2, 3]);
    const data = Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    for (const to of [0, 1, 2, 3]) {
      const moved = moveOutputAxis(data, [2, 3, 4, 5], to);
      expect(moved.shape[to]).toBe(2);
      expect([...restoreOutputAxis(moved.data, moved.shape, to)]).toEqual(data);
    }
    // element (c=1, i=2, j=3, k=4) of [2,3,4,5] sits at [3,4,2,5]-index (2,3,1,4) after moving axis 0 to 2
    const moved = moveOutputAxis(data, [2, 3, 4, 5], 2);
    expect(moved.data[((2 * 4 + 3) * 2 + 1) * 5 + 4]).toBe(((1 * 3 + 2) * 4 + 3) * 5 + 4);
  });
});

describe('WGSL path: replay of the reference trajectories in every layout (float32)', () => {
  it('covers the fused classes and refuses the others', () => {
    const names = files.map((f) => f.golden.optimizer).sort();
    expect([...SUPPORTED, ...UNSUPPORTED].sort()).toEqual(names);
    for (const { golden } of files) {
      const make = () =>
        wgslRuleOf(fromReferenceKwargs(golden.optimizer, golden.family, golden.cases[0].kwargs, { onWarning: quiet }));
      if (UNSUPPORTED.includes(golden.optimizer)) expect(make).toThrow(InvalidArgumentError);
      else expect(make).not.toThrow();
    }
  });

  for (const { golden } of files.filter((f) => SUPPORTED.includes(f.golden.optimizer))) {
    for (const [layoutName, axisOf] of LAYOUTS) {
      for (const rowReduction of ['workgroup', 'invocation'] as const) {
        it(`${golden.family}/${golden.optimizer}, ${layoutName}, rows reduced per ${rowReduction}`, async ({
          skip,
        }) => {
          if (!device) return skip();
          const shapes = golden.params.map((p) => p.shape);
          const to = shapes.map((s) => axisOf(s.length));
          const place = (values: number[], i: number) => moveOutputAxis(Float32Array.from(values), shapes[i], to[i]);
          const params = inputs.float32.init.map((values, i) => {
            const { data, shape } = place(values, i);
            return { name: golden.params[i].name, shape, data, outAxis: to[i] };
          });
          const back = (values: Float32Array, i: number) => restoreOutputAxis(values, params[i].shape, to[i]);
          let checked = 0;
          for (const c of golden.cases) {
            const optimizer = fromReferenceKwargs(golden.optimizer, golden.family, c.kwargs, { onWarning: quiet });
            const wgsl = await createWgslOptimizer(optimizer, params, { device, onWarning: quiet, rowReduction });
            try {
              let err = 0;
              for (let t = 0; t < c.steps; t++) {
                await wgsl.step(inputs.float32.grads[t].map((g, i) => place(g, i).data));
                const ours = await wgsl.readParams();
                c.float32.params[t].forEach((theirs, i) => (err = Math.max(err, maxError(back(ours[i], i), theirs))));
              }
              // the state after the last step, against the float64 run's (the only one recorded)
              const state = await wgsl.readState();
              expect(state.count).toBe(c.steps);
              c.float64.state!.forEach((entries, i) => {
                const tensorState = state.tensors[i];
                expect(tensorState.shape).toEqual(params[i].shape);
                const recorded = Object.keys(entries).filter((k) => k !== 'step');
                expect(Object.keys(tensorState.slots).sort(), `${c.id}: slots of tensor ${i}`).toEqual(recorded.sort());
                if ('step' in entries) expect(tensorState.step).toBe(entries.step);
                for (const slot of recorded) {
                  const theirs = (entries[slot] as { data: number[] }).data;
                  err = Math.max(err, maxError(back(tensorState.slots[slot] as Float32Array, i), theirs));
                  checked++;
                }
              });
              expect(err, `${c.id}: largest |a−b|/max(1,|b|) over params and state`).toBeLessThanOrEqual(
                TOLERANCE.float32,
              );
            } finally {
              wgsl.dispose();
            }
          }
          // every optimizer with state had its state compared
          const stateful = golden.cases.filter((c) =>
            Object.keys(c.float64.state![0]).some((k) => k !== 'step'),
          ).length;
          expect(checked > 0).toBe(stateful > 0);
        });
      }
    }
  }
});
