/**
 * Each property of the projection can fail: a deliberately broken `centralize` is caught by it.
 */
import ndarray from 'ndarray';
import { afterAll, describe, it } from 'vitest';
import { centralize, gcApplies, layoutOf, type FloatArray } from '@gcopt/core';
import {
  casesChecked,
  checkCentralization,
  coreCentralization,
  type CentralizationImplementation,
} from '../../src/index.js';
import { recordCases } from '../summary.js';
import { expectPropertyFails, expectPropertyPasses } from './expectFailure.js';

afterAll(() => recordCases('mutants-centralization', casesChecked()));

const copy = (g: FloatArray) => (g instanceof Float64Array ? new Float64Array(g) : new Float32Array(g));
const P = (g: FloatArray, shape: readonly number[], outAxis: number) =>
  centralize(ndarray(g, [...shape]), { outAxis, onWarning: () => {} }).data as FloatArray;

function mutant(
  name: string,
  centralizeFn: CentralizationImplementation['centralize'],
  accumulation: 'float64' | 'storage' = 'float64',
): CentralizationImplementation {
  return { name, accumulation, centralize: centralizeFn };
}

/** Per-channel map over P(g) for the rule-applies case; passes the rest through. */
function mapWhenApplies(
  g: FloatArray,
  req: { shape: readonly number[]; outAxis: number; rule: 'gc' | 'gcc' | 'none' },
  f: (pg: FloatArray) => FloatArray,
) {
  if (!gcApplies(req.shape.length, req.rule)) return copy(g);
  return f(P(g, req.shape, req.outAxis));
}

describe('centralization mutants are caught', () => {
  it('centralizing over the wrong axis (always axis 0): zero-mean and transpose properties fail', async () => {
    const report = await checkCentralization(
      mutant('wrong axis', (g, r) => coreCentralization.centralize(g, { ...r, outAxis: 0 })),
    );
    expectPropertyFails(report, 'zero mean');
    expectPropertyFails(report, 'transpose');
  });

  it('subtracting the mean of the whole tensor instead of each slice: zero-mean fails', async () => {
    const report = await checkCentralization(
      mutant('global mean', (g, r) => {
        if (!gcApplies(r.shape.length, r.rule)) return copy(g);
        let sum = 0;
        for (const x of g) sum += x;
        return copy(g).map((x) => x - sum / g.length) as FloatArray;
      }),
    );
    expectPropertyFails(report, 'zero mean');
  });

  it('2·P(g): idempotence and the norm bound fail, while linearity and zero mean still hold', async () => {
    const report = await checkCentralization(
      mutant('doubled', (g, r) => mapWhenApplies(g, r, (pg) => pg.map((x) => 2 * x) as FloatArray)),
    );
    expectPropertyFails(report, 'idempotent');
    expectPropertyFails(report, 'never increases the norm');
    expectPropertyPasses(report, 'zero mean');
    expectPropertyPasses(report, 'linear');
  });

  it('P(g) normalized to norm ≤ 1: linearity fails', async () => {
    const report = await checkCentralization(
      mutant('normalized', (g, r) =>
        mapWhenApplies(g, r, (pg) => {
          const n = Math.sqrt(Array.from(pg).reduce((s, x) => s + x * x, 0));
          return pg.map((x) => x / Math.max(1, n)) as FloatArray;
        }),
      ),
    );
    expectPropertyFails(report, 'linear');
  });

  it('an oblique projection g − mean(g)/mean(w)·w: constant invariance and self-adjointness fail', async () => {
    const report = await checkCentralization(
      mutant('oblique', (g, r) => {
        if (!gcApplies(r.shape.length, r.rule)) return copy(g);
        const layout = layoutOf(r.shape, r.outAxis);
        const w = (i: number) => 1 + (i % 3);
        const sums = new Float64Array(layout.channels);
        const wsums = new Float64Array(layout.channels);
        const ch = (i: number) => Math.floor(i / layout.inner) % layout.channels;
        g.forEach((x, i) => {
          sums[ch(i)] += x;
          wsums[ch(i)] += w(i);
        });
        return copy(g).map((x, i) => x - (sums[ch(i)] / wsums[ch(i)]) * w(i)) as FloatArray;
      }),
    );
    expectPropertyFails(report, 'constant per output slice');
    expectPropertyFails(report, 'self-adjoint');
  });

  it('ignoring the rank rule (centralizing 1-D tensors, or rank < 4 under gcc): pass-through fails', async () => {
    const report = await checkCentralization(
      mutant('no rank rule', (g, r) => (r.rule === 'none' || r.shape.length < 2 ? copy(g) : P(g, r.shape, r.outAxis))),
    );
    expectPropertyFails(report, 'bit-identical');
  });

  it('centralizing the input in place: purity fails', async () => {
    const report = await checkCentralization(
      mutant('in place', (g, r) => {
        if (gcApplies(r.shape.length, r.rule)) g.set(P(g, r.shape, r.outAxis));
        return g;
      }),
    );
    expectPropertyFails(report, 'input is left unchanged');
  });

  it('accepting a zero-length axis: the rejection property fails', async () => {
    const report = await checkCentralization(
      mutant('accepts empty', (g, r) => (r.shape.some((d) => d === 0) ? copy(g) : coreCentralization.centralize(g, r))),
    );
    expectPropertyFails(report, 'zero-length axis');
  });

  it(
    'claiming float64 accumulation while summing in float32: ' + 'the zero-mean tolerance catches the lost precision',
    async () => {
      const report = await checkCentralization({
        ...mutant('float32 sums', (g, r) => {
          if (!gcApplies(r.shape.length, r.rule)) return copy(g);
          const layout = layoutOf(r.shape, r.outAxis);
          const ch = (i: number) => Math.floor(i / layout.inner) % layout.channels;
          const sums = new Float32Array(layout.channels);
          g.forEach((x, i) => {
            sums[ch(i)] = Math.fround(sums[ch(i)] + x);
          });
          return copy(g).map((x, i) => x - Math.fround(sums[ch(i)] / layout.fanIn)) as FloatArray;
        }),
        dtypes: ['float64'],
      });
      expectPropertyFails(report, 'zero mean');
    },
  );
});
