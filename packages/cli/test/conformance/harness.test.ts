// The replay harness itself: the layouts are the tfjs ones, values are moved exactly, and a backend
// that ignores the layout or drops state fails (so a passing matrix cell means something).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  axisPermutation,
  coreBackend,
  permutedTensor,
  permuteValues,
  replayGolden,
  replayGoldenAsync,
  type GoldenFile,
  type GoldenInputs,
  type ReplayBackend,
} from '@gcopt/core';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/golden');
const inputs = JSON.parse(readFileSync(join(GOLDEN, 'inputs.json'), 'utf8')) as GoldenInputs;
const load = (file: string) => JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')) as GoldenFile;

describe('axis layouts', () => {
  it('are the tfjs kernel layouts of the recorded PyTorch shapes', () => {
    // Conv2d [out,in,kh,kw] → Conv2D [kh,kw,in,out] and Conv2DTranspose [kh,kw,out,in]
    expect(permutedTensor([4, 3, 2, 2], 'last')).toMatchObject({ shape: [2, 2, 3, 4], outAxis: 3 });
    expect(permutedTensor([4, 3, 2, 2], 'middle')).toMatchObject({ shape: [2, 2, 4, 3], outAxis: 2 });
    // Linear [out,in] → Dense [in,out]; a rank-2 tensor has no middle axis
    expect(permutedTensor([6, 7], 'last')).toMatchObject({ shape: [7, 6], outAxis: 1 });
    expect(permutedTensor([6, 7], 'middle')).toMatchObject({ shape: [6, 7], outAxis: 0 });
    expect(permutedTensor([5, 2, 3], 'middle')).toMatchObject({ shape: [3, 5, 2], outAxis: 1 });
    expect(permutedTensor([2, 2, 2, 2, 2], 'middle').outAxis).toBe(3);
    expect(axisPermutation(1, 'last')).toEqual([0]);
    expect(axisPermutation(3, 'first')).toEqual([0, 1, 2]);
    expect(() => axisPermutation(2, 'sideways' as never)).toThrow(/layout/);
  });

  it('move every value to the index the permutation gives, and nothing else', () => {
    const shape = [2, 3, 4];
    const values = Float64Array.from({ length: 24 }, (_, i) => i);
    const out = permuteValues(values, shape, [2, 0, 1]); // new[c][a][b] = old[a][b][c]
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++) {
          expect(out[(c * 2 + a) * 3 + b]).toBe(values[(a * 3 + b) * 4 + c]);
        }
    expect([...out].sort((x, y) => x - y)).toEqual([...values]);
  });
});

/** The core's in-place step, but every tensor centred on axis 0 whatever the layout says. */
const ignoresOutAxis: ReplayBackend = (run) => coreBackend()({ ...run, outAxes: run.outAxes.map(() => 0) });

describe('the replay harness', () => {
  const sgd = load('first_release/SGD_GC.json');

  it('fails a backend that ignores the output axis in the last and middle layouts, not in the recorded one', () => {
    const passed = (layout: 'first' | 'last' | 'middle') =>
      replayGolden(sgd, inputs, { backend: ignoresOutAxis, layout }).cases.every((c) => c.passed);
    expect(passed('first')).toBe(true);
    expect(passed('last')).toBe(false);
    expect(passed('middle')).toBe(false);
    const core = replayGolden(sgd, inputs, { backend: coreBackend(), layout: 'middle' });
    expect(core.cases.every((c) => c.passed)).toBe(true);
  });

  it('fails a backend whose state misses a recorded slot or is left in the recorded layout', () => {
    const adam = load('first_release/Adam_GC.json');
    const core = coreBackend();
    const dropsSlot: ReplayBackend = (run) => {
      const result = core(run);
      const tensors = result.state!.tensors.map((t) => ({ step: t.step, slots: { exp_avg: t.slots.exp_avg } }));
      return { params: result.params, state: { tensors } };
    };
    const unpermutedState: ReplayBackend = (run) => {
      const result = core(run);
      // the state moved back to [out, in, k…]: right values, wrong layout
      const tensors = result.state!.tensors.map((t, i) => {
        const shape = run.shapes[i];
        const back = permutedTensor(adam.params[i].shape, 'last').perm.map((_, j, perm) => perm.indexOf(j));
        const slots = Object.fromEntries(Object.entries(t.slots).map(([k, v]) => [k, permuteValues(v, shape, back)]));
        return { step: t.step, slots };
      });
      return { params: result.params, state: { tensors } };
    };
    const noState: ReplayBackend = (run) => ({ params: core(run).params });
    for (const backend of [dropsSlot, unpermutedState, noState]) {
      const report = replayGolden(adam, inputs, { backend, layout: 'last', dtypes: ['float64'] });
      expect(report.cases.every((c) => !c.passed)).toBe(true);
    }
    expect(replayGolden(adam, inputs, { backend: core, layout: 'last' }).cases.every((c) => c.passed)).toBe(true);
  });

  it('replays float32-only backends against the float32 recording and the recorded state', () => {
    const report = replayGolden(load('advanced/Ranger.json'), inputs, { layout: 'last', dtypes: ['float32'] });
    expect(new Set(report.cases.map((c) => c.precision))).toEqual(new Set(['float32']));
    expect(report.cases.every((c) => c.passed)).toBe(true);
    // the float32 run's state is held to the recorded one: a wrong exp_avg_sq fails it
    const wrong: ReplayBackend = (run) => {
      const result = coreBackend()(run);
      result.state!.tensors[0].slots.exp_avg_sq[0] += 1e-3;
      return result;
    };
    const failed = replayGolden(load('advanced/Ranger.json'), inputs, { backend: wrong, dtypes: ['float32'] }).cases;
    expect(failed.every((c) => !c.passed)).toBe(true);
  });

  it('gives the same report with an asynchronous backend', async () => {
    const core = coreBackend();
    const sync = replayGolden(sgd, inputs, { layout: 'middle' });
    const async_ = await replayGoldenAsync(sgd, inputs, { backend: async (run) => core(run), layout: 'middle' });
    expect(async_).toEqual(sync);
  });
});
