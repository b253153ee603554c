/**
 * The exported API used exactly as a user would: imported by package name, against "their own"
 * implementations (here: a hand-written GC and a hand-written SGD with GC, independent of the core).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  casesChecked,
  hyperParameters,
  PropertyVerificationError,
  verifyCentralization,
  verifyOptimizer,
  type CentralizationImplementation,
  type OptimizerFactory,
} from '@gcopt/property-tests';
import { recordCases } from './summary.js';

afterAll(() => recordCases('userApi', casesChecked()));

/** A user's own GC, channels-first or channels-last, written from the paper. */
const myCentralize: CentralizationImplementation = {
  name: 'my GC',
  accumulation: 'float64',
  centralize(g, { shape, outAxis, rule }) {
    if (shape.some((d) => d === 0)) throw new RangeError('empty tensor');
    const out = g.slice();
    const rank = shape.length;
    if (rule === 'none' || rank < (rule === 'gcc' ? 4 : 2)) return out;
    const axis = outAxis < 0 ? rank + outAxis : outAxis;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = shape[axis];
    const n = g.length / channels;
    const sums = new Float64Array(channels);
    g.forEach((x, i) => (sums[Math.floor(i / inner) % channels] += x));
    return out.map((x, i) => x - sums[Math.floor(i / inner) % channels] / n);
  },
};

/** A user's own SGD with GC on (gradient + L2), no momentum, updating its own copy in place. */
function mySgdGc(lr: number, wd: number, brokenDecay = false): OptimizerFactory<unknown> {
  return (params) => {
    const weights = params.map((p) => p.data.slice());
    return {
      step(grads, options) {
        const rate = options?.lr ?? lr;
        params.forEach((p, i) => {
          const w = weights[i];
          const d = grads[i]!.map((g, j) => g + (brokenDecay ? 0 : wd * w[j]));
          const centred = myCentralize.centralize(d, { shape: p.shape, outAxis: p.outAxis, rule: 'gc' }) as typeof d;
          for (let j = 0; j < w.length; j++) w[j] -= rate * (centred[j] + (brokenDecay ? wd * w[j] : 0));
        });
      },
      params: () => weights.map((w) => w.slice()),
    };
  };
}

describe('a user verifies their own implementations', () => {
  it('verifyCentralization passes on a correct GC and reports its cases', async () => {
    const report = await verifyCentralization(myCentralize);
    expect(report.failures).toEqual([]);
    expect(report.casesChecked).toBeGreaterThan(0);
  });

  it('verifyOptimizer passes on a correct SGD with GC (claims: means preserved under rule gc)', async () => {
    const report = await verifyOptimizer(mySgdGc(0.05, 0.01), { name: 'my SGD_GC', preservesMean: 'gc' });
    expect(report.failures).toEqual([]);
  });

  it(
    'verifyOptimizer throws with the shrunk counterexample and the seed ' + 'when the decay is left uncentred',
    async () => {
      const run = verifyOptimizer(mySgdGc(0.05, 0.01, true), {
        name: 'my broken SGD_GC',
        preservesMean: 'gc',
        numRuns: 30,
      });
      await expect(run).rejects.toBeInstanceOf(PropertyVerificationError);
      await expect(run).rejects.toThrow(/Counterexample[\s\S]*seed: \d+/);
    },
  );

  it('with `reference`, verifyOptimizer checks every step against the oracle: a correct SGD_GC passes', async () => {
    type H = { lr: number; weightDecay: number };
    const report = await verifyOptimizer<H>((params, h) => mySgdGc(h.lr, h.weightDecay)(params, h), {
      name: 'my SGD_GC, values',
      hyper: fc.record({ lr: hyperParameters.learningRateArb, weightDecay: hyperParameters.weightDecayArb }),
      preservesMean: 'gc',
      reference: { name: 'SGD_GC', family: 'first_release' },
    });
    expect(report.results[0].name).toMatch(/every step equals the float64 oracle/);
    expect(report.failures).toEqual([]);
  });

  it('the value property catches what the mean law cannot: a learning rate off by 1%', async () => {
    const run = verifyOptimizer<{ lr: number }>((params, h) => mySgdGc(h.lr * 1.01, 0)(params, h), {
      name: 'my SGD_GC with a wrong lr',
      hyper: fc.record({ lr: hyperParameters.learningRateArb }),
      preservesMean: 'gc',
      reference: { name: 'SGD_GC', family: 'first_release' },
    });
    await expect(run).rejects.toThrow(/every step equals the float64 oracle[\s\S]*the oracle allows/);
  });

  it('hyper-parameters can be drawn too (the arbitraries are exported)', async () => {
    const report = await verifyOptimizer<{ lr: number }>((params, h) => mySgdGc(h.lr, 0)(params, h), {
      name: 'my SGD_GC over lr',
      hyper: fc.record({ lr: hyperParameters.learningRateArb }),
      preservesMean: 'gc',
    });
    expect(report.failures).toEqual([]);
  });
});
