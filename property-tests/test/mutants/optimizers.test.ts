/**
 * Each optimizer property can fail: a deliberately broken optimizer, built from the core's transforms
 * (or wrapping a correct one), is caught by it.
 */
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addWeightDecay,
  adamMoments,
  applyUpdate,
  centralizeUpdate,
  recipeOptimizer,
  scaleByAdam,
  scaleByLearningRate,
  sgdMomentum,
  type FloatArray,
  type Optimizer,
  type Transform,
} from '@gcopt/core';
import {
  casesChecked,
  catalogEntry,
  checkOptimizer,
  checkStepForms,
  coreInstance,
  coreOptimizer,
  type OptimizerFactory,
} from '../../src/index.js';
import { recordCases } from '../summary.js';
import { expectPropertyFails } from './expectFailure.js';

afterAll(() => recordCases('mutants-optimizers', casesChecked()));

const quiet = { onWarning: () => {} };
type H = Record<string, any>;

/** An optimizer from a recipe, driven like the core backend does. */
const recipeFactory =
  (name: string, recipe: (h: H) => Transform[]): OptimizerFactory<H> =>
  (params, h) =>
    coreInstance(recipeOptimizer(name, { lr: h.lr }, recipe(h), quiet) as unknown as Optimizer, params);

/** Checks a mutant against the claims of the reference optimizer it pretends to be. */
function checkAs(reference: string, factory: OptimizerFactory<H>, family?: 'first_release' | 'advanced') {
  const entry = catalogEntry(reference, family);
  return checkOptimizer(factory, {
    name: `mutant posing as ${reference}`,
    hyper: entry.hyper,
    preservesMean: entry.claims,
    checkState: true,
    shrink: false, // the failure is all these tests need (shrinking one took 8 minutes with one seed)
  });
}

const sgdTail = (h: H) => [
  sgdMomentum({ momentum: h.momentum, dampening: h.dampening, nesterov: h.nesterov }),
  scaleByLearningRate(),
  applyUpdate(),
];

describe('optimizer mutants are caught', () => {
  it(
    'SGD_GC that forgets to centralize the weight-decay term: ' + 'mean preservation and fan-in-1 immobility fail',
    async () => {
      const report = await checkAs(
        'SGD_GC',
        recipeFactory('SGD_GC', (h) => [centralizeUpdate('gc'), addWeightDecay(h.weightDecay), ...sgdTail(h)]),
      );
      expectPropertyFails(report, 'weight means follow');
      expectPropertyFails(report, 'fan-in-1');
    },
  );

  it('Adam_GC2 centralizing the gradient instead of the update (i.e. Adam_GC): mean preservation fails', async () => {
    const report = await checkAs('Adam_GC2', (params, h) =>
      coreInstance(coreOptimizer('Adam_GC', 'first_release', h), params),
    );
    expectPropertyFails(report, 'weight means follow');
  });

  it('AdamW_GC2 adding the decay after centring: mean preservation and fan-in-1 immobility fail', async () => {
    const report = await checkAs(
      'AdamW_GC2',
      recipeFactory('AdamW_GC2', (h) => {
        const [beta1, beta2] = h.betas;
        return [
          adamMoments({ beta1, beta2, amsgrad: h.amsgrad }),
          scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: 'raw-eps' }),
          centralizeUpdate('gc'),
          addWeightDecay(h.weightDecay),
          scaleByLearningRate(),
          applyUpdate(),
        ];
      }),
    );
    expectPropertyFails(report, 'weight means follow');
    expectPropertyFails(report, 'fan-in-1');
  });

  it('SGDW_GC whose decay is centralized too (i.e. SGD_GC): the (1 − lr·wd) mean law fails', async () => {
    const report = await checkAs('SGDW_GC', (params, h) =>
      coreInstance(coreOptimizer('SGD_GC', 'first_release', h), params),
    );
    expectPropertyFails(report, 'weight means follow');
  });

  it('SGDW_GC whose decoupled decay ignores the learning rate: the zero-learning-rate property fails', async () => {
    const decayIgnoringLr: Transform = {
      name: 'decayIgnoringLr',
      apply(ctx) {
        for (let i = 0; i < ctx.p.length; i++) ctx.p[i] -= ctx.scale * ctx.u[i] + 0.01 * ctx.p[i];
      },
    };
    const report = await checkAs(
      'SGDW_GC',
      recipeFactory('SGDW_GC', (h) => [centralizeUpdate('gc'), ...sgdTail(h).slice(0, 2), decayIgnoringLr]),
    );
    expectPropertyFails(report, 'zero learning rate');
  });

  it(
    'an optimizer that centralizes the caller’s gradient in place ' +
      '(as the reference does, docs/ALGORITHMS.md §5.1): purity fails',
    async () => {
      const mutating: OptimizerFactory<H> = (params, h) => {
        const inner = coreInstance(coreOptimizer('SGD_GC', 'first_release', h), params);
        return {
          ...inner,
          step(grads, o) {
            inner.step(grads, o);
            // write the centred gradient back, like p.grad -= mean in the PyTorch code
            grads.forEach((g, i) => {
              if (g && params[i].shape.length >= 2) g[0] += 1;
            });
          },
        };
      };
      expectPropertyFails(await checkAs('SGD_GC', mutating), 'gradients handed to step are not modified');
    },
  );

  it('an optimizer with hidden global state (the lr drifts with every instance made): determinism fails', async () => {
    let instances = 0;
    const drifting: OptimizerFactory<H> = (params, h) => {
      instances += 1;
      return coreInstance(
        coreOptimizer('Adam_GC2', 'first_release', { ...h, lr: h.lr * (1 + instances * 2 ** -20) }),
        params,
      );
    };
    expectPropertyFails(await checkAs('Adam_GC2', drifting), 'deterministic');
  });

  it('an optimizer whose state grows with every step: state stability fails', async () => {
    const growing: Transform = {
      name: 'growing',
      apply(ctx) {
        (ctx.slots as Record<string, FloatArray>)[`extra_${ctx.t}`] = new Float64Array(1);
      },
    };
    const report = await checkAs(
      'SGD_GC',
      recipeFactory('SGD_GC', (h) => [addWeightDecay(h.weightDecay), centralizeUpdate('gc'), ...sgdTail(h), growing]),
    );
    expectPropertyFails(report, 'state shapes');
  });

  it('SGDW_GC whose decay is taken from the updated weights: the (1 − lr·wd) mean law fails', async () => {
    const decayFromNew: Transform = {
      name: 'decayFromNew',
      apply(ctx) {
        const decay = 0.05 * ctx.lr; // and a different wd than declared
        for (let i = 0; i < ctx.p.length; i++) ctx.p[i] -= decay * ctx.p[i];
      },
    };
    const report = await checkAs(
      'SGDW_GC',
      recipeFactory('SGDW_GC', (h) => [centralizeUpdate('gc'), ...sgdTail(h), decayFromNew]),
    );
    expectPropertyFails(report, 'weight means follow');
  });
});

describe('step-form mutants are caught', () => {
  const entry = catalogEntry('SGD_GC');
  const base = (h: H) => coreOptimizer('SGD_GC', 'first_release', { ...h, momentum: h.momentum || 0.9 });

  it('a "pure" step that forgets to clone the state (updates the state passed in): purity fails', async () => {
    const report = await checkStepForms(
      (h: H) => {
        const opt = base(h);
        return {
          ...opt,
          step(params, grads, state, o) {
            const next = params.map((p) => ({
              ...p,
              value: ndarray((p.value.data as FloatArray).slice(), p.value.shape.slice()),
            }));
            opt.stepInPlace(next, grads, state, o);
            return { params: next, state };
          },
        };
      },
      { name: 'state-mutating step', hyper: entry.hyper },
    );
    expectPropertyFails(report, 'pure step leaves');
  });

  it('stepInPlace that differs from step in the last bit: agreement fails', async () => {
    const report = await checkStepForms(
      (h: H) => {
        const opt = base(h);
        return {
          ...opt,
          stepInPlace: (params, grads, state, o) =>
            opt.stepInPlace(
              params,
              grads.map((g) => (g as FloatArray).map((x) => x * (1 + 2 ** -20)) as FloatArray),
              state,
              o,
            ),
        };
      },
      { name: 'in-place drift', hyper: entry.hyper },
    );
    expectPropertyFails(report, 'agree bit for bit');
  });
});

describe('the suite rejects a wrong mean claim (a counterexample is found)', () => {
  const wrongClaims: [string, 'first_release' | 'advanced', (h: H) => H][] = [
    ['Adam_GC', 'first_release', (h) => h],
    ['AdamW_GC', 'first_release', (h) => h],
    ['Adagrad_GC', 'first_release', (h) => h],
    ['Adam', 'advanced', (h) => ({ ...h, useGc: true, gcConvOnly: false, gcLoc: true })],
    ['RAdam', 'advanced', (h) => ({ ...h, useGc: true, gcConvOnly: false, gcLoc: true })],
  ];
  for (const [name, family, fix] of wrongClaims) {
    it(`${name} does not preserve weight means: claiming it fails`, async () => {
      const entry = catalogEntry(name, family);
      const report = await checkOptimizer((params, h: H) => coreInstance(coreOptimizer(name, family, fix(h)), params), {
        name: `${name} claimed mean-preserving`,
        hyper: entry.hyper,
        preservesMean: (h) => ({ ...entry.claims(fix(h)), preservesMean: 'gc' }),
        shrink: false,
      });
      expectPropertyFails(report, 'weight means follow');
    });
  }

  it('SGDW_GC does not preserve means when wd > 0: claiming factor 1 fails', async () => {
    const entry = catalogEntry('SGDW_GC');
    const report = await checkOptimizer(
      (params, h: H) => coreInstance(coreOptimizer('SGDW_GC', 'first_release', h), params),
      {
        name: 'SGDW_GC claimed mean-preserving',
        hyper: entry.hyper,
        preservesMean: (h) => ({ ...entry.claims(h), meanFactor: 1 }),
        shrink: false,
      },
    );
    expectPropertyFails(report, 'weight means follow');
  });

  it(
    'RAdam with gcLoc and weight decay moves fan-in-1 weights ' +
      '(docs/ALGORITHMS.md §5.8): claiming them frozen fails',
    async () => {
      const entry = catalogEntry('RAdam');
      const fix = (h: H) => ({ ...h, useGc: true, gcConvOnly: false, gcLoc: true, weightDecay: h.weightDecay || 0.05 });
      const report = await checkOptimizer(
        (params, h: H) => coreInstance(coreOptimizer('RAdam', 'advanced', fix(h)), params),
        {
          name: 'RAdam(gcLoc, wd) claimed frozen',
          hyper: entry.hyper,
          preservesMean: () => ({ preservesMean: 'none', fanInOneFrozen: 'gc' }),
        },
      );
      expectPropertyFails(report, 'fan-in-1');
    },
  );

  it(
    'the real optimizers pass the same checks ' + '(the failures above come from the claims, not the harness)',
    async () => {
      const entry = catalogEntry('Adam_GC');
      const report = await checkOptimizer(
        (params, h: H) => coreInstance(coreOptimizer('Adam_GC', 'first_release', h), params),
        {
          name: 'Adam_GC with its true claims',
          hyper: entry.hyper,
          preservesMean: entry.claims,
        },
      );
      expect(report.failures).toEqual([]);
    },
  );
});
