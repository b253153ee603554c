/**
 * One unit test per transform of the recipes, with values derived by hand (in each test's comment),
 * in the style of optax's and tfjs-core's optimizer tests: one small float64 tensor, one to six steps,
 * through the public optimizers of @gcopt/core, each chosen so that the transform under test is the
 * only non-trivial one. Independent of the oracle: if both were wrong the same way, these still catch it.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { createOptimizer, Lookahead, type Family, type Optimizer } from '@gcopt/core';

const quiet = { onWarning: () => {} };

/** Steps `name` over one parameter and returns its values after every step. */
function run(
  name: string,
  family: Family,
  options: Record<string, unknown>,
  param: { shape: number[]; outAxis?: number; w: number[] },
  grads: number[][],
): number[][] {
  const opt = createOptimizer(name, { ...options, ...quiet }, family);
  const params = [{ value: ndarray(Float64Array.from(param.w), param.shape), outAxis: param.outAxis ?? 0 }];
  const state = opt.init(params);
  return grads.map((g) => {
    opt.stepInPlace(params, [Float64Array.from(g)], state);
    return Array.from(params[0].value.data as Float64Array);
  });
}

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a, `element ${i}`).toBeCloseTo(expected[i], digits));
}

describe('centralizeUpdate (GC of the gradient, docs/ALGORITHMS.md §1)', () => {
  it('outAxis 0: each row loses its mean', () => {
    // w = [[1,2],[3,4]], g = [[1,3],[2,6]]: row means 2 and 4, centred g = [[-1,1],[-2,2]];
    // SGD_GC, lr 0.1: w − 0.1·Pg = [[1.1, 1.9], [3.2, 3.8]]
    const [w1] = run('SGD_GC', 'first_release', { lr: 0.1 }, { shape: [2, 2], w: [1, 2, 3, 4] }, [[1, 3, 2, 6]]);
    expectClose(w1, [1.1, 1.9, 3.2, 3.8]);
  });

  it('outAxis -1 (channels last): each column loses its mean', () => {
    // same g, columns: (1+2)/2 = 1.5 and (3+6)/2 = 4.5, centred g = [[-0.5,-1.5],[0.5,1.5]];
    // w − 0.1·Pg = [[1.05, 2.15], [2.95, 3.85]]
    const param = { shape: [2, 2], outAxis: -1, w: [1, 2, 3, 4] };
    const [w1] = run('SGD_GC', 'first_release', { lr: 0.1 }, param, [[1, 3, 2, 6]]);
    expectClose(w1, [1.05, 2.15, 2.95, 3.85]);
  });

  it('outAxis in the middle: the channel spans the outer and inner axes', () => {
    // shape [2,2,2], outAxis 1, g = 0..7: channel 0 holds g[0,0,:] = 0,1 and g[1,0,:] = 4,5 (mean 2.5),
    // channel 1 holds 2,3,6,7 (mean 4.5); Pg = [-2.5,-1.5,-2.5,-1.5, 1.5,2.5,1.5,2.5]; from w = 0 with lr 1: −Pg
    const param = { shape: [2, 2, 2], outAxis: 1, w: [0, 0, 0, 0, 0, 0, 0, 0] };
    const [w1] = run('SGD_GC', 'first_release', { lr: 1 }, param, [[0, 1, 2, 3, 4, 5, 6, 7]]);
    expectClose(w1, [2.5, 1.5, 2.5, 1.5, -1.5, -2.5, -1.5, -2.5]);
  });

  it('a 1-D bias is not centred', () => {
    // w = [1,2], g = [1,3]: plain SGD step w − 0.1·g = [0.9, 1.7]
    const [w1] = run('SGD_GC', 'first_release', { lr: 0.1 }, { shape: [2], w: [1, 2] }, [[1, 3]]);
    expectClose(w1, [0.9, 1.7]);
  });

  it('GCC leaves a rank-2 tensor uncentred', () => {
    // SGD_GCC on [2,2]: w − 0.1·g = [[0.9, 1.7], [2.8, 3.4]]
    const [w1] = run('SGD_GCC', 'first_release', { lr: 0.1 }, { shape: [2, 2], w: [1, 2, 3, 4] }, [[1, 3, 2, 6]]);
    expectClose(w1, [0.9, 1.7, 2.8, 3.4]);
  });
});

describe('addWeightDecay', () => {
  it('the coupled L2 term is added before GC, so it is centred too (§5.2)', () => {
    // g = 0, wd 0.5: d = 0.5·w = [[0.5,1],[1.5,2]], row means 0.75 and 1.75, Pd = [[-0.25,0.25],[-0.25,0.25]];
    // lr 0.1: w − 0.1·Pd = [[1.025, 1.975], [3.025, 3.975]]
    const param = { shape: [2, 2], w: [1, 2, 3, 4] };
    const [w1] = run('SGD_GC', 'first_release', { lr: 0.1, weightDecay: 0.5 }, param, [[0, 0, 0, 0]]);
    expectClose(w1, [1.025, 1.975, 3.025, 3.975]);
  });
});

describe('sgdMomentum', () => {
  const p = { shape: [1], w: [0] };
  it('heavy ball: buf = g on step 1, then μ·buf + g', () => {
    // lr 1, μ 0.9, g = 1, 1: buf 1 → w = −1; buf 0.9 + 1 = 1.9 → w = −2.9
    expectClose(run('SGD', 'advanced', { lr: 1, momentum: 0.9 }, p, [[1], [1]]).flat(), [-1, -2.9]);
  });
  it('dampening scales the new gradient from step 2 on', () => {
    // dampening 0.5: buf 1 → w = −1; buf 0.9 + 0.5 = 1.4 → w = −2.4
    expectClose(run('SGD', 'advanced', { lr: 1, momentum: 0.9, dampening: 0.5 }, p, [[1], [1]]).flat(), [-1, -2.4]);
  });
  it('Nesterov steps along g + μ·buf', () => {
    // step 1: buf 1, d = 1 + 0.9 = 1.9 → w = −1.9; step 2: buf 1.9, d = 1 + 0.9·1.9 = 2.71 → w = −4.61
    expectClose(run('SGD', 'advanced', { lr: 1, momentum: 0.9, nesterov: true }, p, [[1], [1]]).flat(), [-1.9, -4.61]);
  });
});

describe('applyUpdateWithDecoupledDecay (SGDW, §2.2)', () => {
  it('decays from the weights before the step, by lr·wd', () => {
    // w = 2, g = 1, lr 0.1, wd 0.5: 2 − 0.1·1 − 0.05·2 = 1.8
    const out = run('SGDW', 'first_release', { lr: 0.1, weightDecay: 0.5 }, { shape: [1], w: [2] }, [[1]]);
    expectClose(out.flat(), [1.8]);
  });
});

describe('adamMoments + scaleByAdam', () => {
  it('bias-corrected eps (Adam_GC): m / (sqrt(v)/sqrt(bc2) + eps), step lr/bc1', () => {
    // β (0.9, 0.999), eps 1e-8, lr 0.1, w = 1, g = 2 twice.
    // t=1: m = 0.2, v = 0.004, bc1 = 0.1, bc2 = 0.001: sqrt(v/bc2) = 2;
    //      w = 1 − (0.1/0.1)·0.2/(2 + 1e-8) = 0.9000000005
    // t=2: m = 0.38, v = 0.007996, bc1 = 0.19, bc2 = 0.001999: sqrt(v/bc2) = 2; step (0.1/0.19)·0.38/(2 + 1e-8)
    //      = 0.1/(1 + 5e-9) = 0.0999999995 → w = 0.800000001
    const options = { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8 };
    const out = run('Adam_GC', 'first_release', options, { shape: [1], w: [1] }, [[2], [2]]);
    expectClose(out.flat(), [0.9000000005, 0.800000001], 13);
  });

  it('raw eps (first-release AdamW): s·(m/(sqrt(v) + eps) + wd·w), s = lr·sqrt(bc2)/bc1', () => {
    // t=1, w = 1, g = 2, wd 0.5, lr 0.1: s = 0.1·sqrt(0.001)/0.1 = 0.0316227766…,
    // m/(sqrt(v)+eps) = 0.2/(0.0632455532… + 1e-8);
    // s·that = 0.1·0.0632455532/(0.0632455532 + 1e-8) = 0.1 − 1.5811e-8, s·wd·w = 0.0158113883…
    // w = 1 − 0.0999999842 − 0.0158113883 = 0.8841886275
    const out = run('AdamW', 'first_release', { lr: 0.1, eps: 1e-8, weightDecay: 0.5 }, { shape: [1], w: [1] }, [[2]]);
    expectClose(out.flat(), [0.8841886275], 9);
  });
});

describe('scaleByAdagrad', () => {
  it('sum += g², w −= lr/(1 + (t−1)·lrDecay) · g/(sqrt(sum) + eps)', () => {
    // accumulator 1, lr 0.1, lrDecay 0.5, w = 1, g = 3 twice.
    // t=1: sum 10, w = 1 − 0.1·3/sqrt(10) = 1 − 0.0948683298 = 0.9051316702
    // t=2: sum 19, clr = 0.1/1.5, w −= (0.1/1.5)·3/sqrt(19) = 0.2/4.3588989435 = 0.0458831468 → 0.8592485234
    const options = { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 1, eps: 1e-10 };
    const out = run('Adagrad_GC', 'first_release', options, { shape: [1], w: [1] }, [[3], [3]]);
    expectClose(out.flat(), [0.9051316702, 0.8592485234], 9);
  });
});

describe('rectify (RAdam family)', () => {
  it('SGD phase: the step is lr·m/bc1, and decay written into the direction stays in exp_avg (§5.8)', () => {
    // lr 0.1, β1 0.9, wd 0.5, w = 1. t=1, g = 2: m = 0.2, G = m + 0.5·1 = 0.7 (exp_avg becomes 0.7),
    // w = 1 − 0.1·(1/0.1)·0.7 = 0.3. t=2, g = 0: m = 0.9·0.7 = 0.63 (not 0.18: the leak),
    // G = 0.63 + 0.5·0.3 = 0.78, w = 0.3 − 0.1·0.78/0.19 = −0.1105263157894737
    const out = run('RAdam', 'advanced', { lr: 0.1, weightDecay: 0.5 }, { shape: [1], w: [1] }, [[2], [0]]);
    expectClose(out.flat(), [0.3, -0.1105263157894737]);
  });

  it('rectified phase (step 6, β2 0.999): the step is lr·sqrt((N−4)(N−2)·Nmax / ((Nmax−4)·N·(Nmax−2)))', () => {
    // constant g = 2, lr 0.1, w = 1: steps 1–5 are the SGD phase, each w −= lr·m/bc1 = 0.1·2 → w = 0 after 5.
    // Step 6: m/bc1 = g and v/bc2 = g², so r·m/sqrt(v) = sqrt(ratio); N_6 = 5.99416…, Nmax = 1999:
    // sqrt(1.99416·3.99416·1999/(1995·5.99416·1997)) = 0.0258211128; eps 1e-8 next to
    // sqrt(v) = 2·sqrt(1 − 0.999^6) = 0.154883 shrinks it by 1e-8/0.154883 = 6.46e-8 → 0.0258211111,
    // w = −0.1·that = −0.00258211111
    const out = run(
      'RAdam',
      'advanced',
      { lr: 0.1 },
      { shape: [1], w: [1] },
      Array.from({ length: 6 }, () => [2]),
    );
    expectClose(out[4], [0], 12);
    expectClose(out[5], [-0.00258211111], 11);
  });

  it('PlainRAdam multiplies by lr twice (§5.10)', () => {
    // t=1, g = 2, lr 0.1: w = 1 − 0.1·0.1·(1/0.1)·0.2 = 0.98
    expectClose(run('PlainRAdam', 'advanced', { lr: 0.1 }, { shape: [1], w: [1] }, [[2]]).flat(), [0.98]);
  });
});

describe('lookaheadSync and rangerLookahead', () => {
  it('Lookahead: syncs after steps 1, k+1, …; the step-1 sync only takes the slow copy (§3.6)', () => {
    // Lookahead(SGD) k 2, α 0.5, lr 1, w = 0, g = 1: step 1 w = −1, slow = −1; step 2 w = −2 (no sync);
    // step 3 w = −3, slow = −1 + 0.5·(−3 + 1) = −2 → w = −2
    const out = lookaheadRun(createOptimizer('SGD', { lr: 1, ...quiet }, 'advanced'), 2, 0.5, [[1], [1], [1]]);
    expectClose(out.flat(), [-1, -2, -2]);
  });

  it('Ranger: slow weights start as the initial weights and sync after steps k, 2k (§3.7)', () => {
    // k 2, α 0.5, lr 0.1, β (0.95, 0.999), w = 1, g = 2.
    // t=1 (SGD phase): m = 0.1, bc1 = 0.05, w = 1 − 0.1·2 = 0.8;
    // t=2: m = 0.195, bc1 = 0.0975, m/bc1 = 2, w = 0.6; sync: slow = 1 + 0.5·(0.6 − 1) = 0.8 → w = 0.8
    const out = run('Ranger', 'advanced', { lr: 0.1, k: 2, alpha: 0.5 }, { shape: [1], w: [1] }, [[2], [2]]);
    expectClose(out.flat(), [0.8, 0.8]);
  });
});

function lookaheadRun(inner: Optimizer, k: number, alpha: number, grads: number[][]): number[][] {
  const opt = Lookahead(inner, { k, alpha, ...quiet }) as unknown as Optimizer;
  const params = [{ value: ndarray(Float64Array.from([0]), [1]), outAxis: 0 }];
  const state = opt.init(params);
  return grads.map((g) => {
    opt.stepInPlace(params, [Float64Array.from(g)], state);
    return Array.from(params[0].value.data as Float64Array);
  });
}
