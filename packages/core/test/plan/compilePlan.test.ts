import { describe, expect, it } from 'vitest';
import {
  adamMoments,
  Adam_GC,
  applyUpdate,
  compilePlan,
  createOptimizer,
  Lookahead,
  recipeOptimizer,
  referenceOptimizers,
  scaleByAdam,
  scaleByLearningRate,
  SGD_GC,
  type FusedPlan,
  type Transform,
} from '../../src/index.js';

const SGD_OPTIONS = { lr: 0.1, momentum: 0.7, dampening: 0.2, weightDecay: 0.03 };
const ADAM_OPTIONS = { lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.02, amsgrad: true };
const ADAGRAD_OPTIONS = { lr: 0.2, lrDecay: 0.05, weightDecay: 0.04, initialAccumulatorValue: 0.3, eps: 1e-7 };

const sgd = (gradientRule: string, coupledDecay: number, decoupledDecay: number) => ({
  family: 'sgd',
  coupledDecay,
  gradientRule,
  momentum: 0.7,
  dampening: 0.2,
  nesterov: false,
  decoupledDecay,
});
const adam = (
  gradientRule: string,
  updateRule: string,
  epsPlacement: string,
  coupledDecay: number,
  decayAfterDirection: number,
) => ({
  family: 'adam',
  coupledDecay,
  gradientRule,
  beta1: 0.8,
  beta2: 0.95,
  amsgrad: true,
  eps: 1e-6,
  epsPlacement,
  decayAfterDirection,
  updateRule,
});
const adagrad = (gradientRule: string) => ({
  family: 'adagrad',
  coupledDecay: 0.04,
  gradientRule,
  lrDecay: 0.05,
  eps: 1e-7,
  initialAccumulatorValue: 0.3,
});

/**
 * What each reference optimizer is, written from the reference's definitions (docs/ALGORITHMS.md §2–§3),
 * not from the recipes: a recipe change that alters what an optimizer computes fails here.
 */
const EXPECTED: Record<string, { options: Record<string, unknown>; plan: unknown }> = {
  'first_release/SGD_GC': { options: SGD_OPTIONS, plan: sgd('gc', 0.03, 0) },
  'first_release/SGD_GCC': { options: SGD_OPTIONS, plan: sgd('gcc', 0.03, 0) },
  'first_release/SGDW': { options: SGD_OPTIONS, plan: sgd('none', 0, 0.03) },
  'first_release/SGDW_GC': { options: SGD_OPTIONS, plan: sgd('gc', 0, 0.03) },
  'first_release/SGDW_GCC': { options: SGD_OPTIONS, plan: sgd('gcc', 0, 0.03) },
  'first_release/Adam_GC': { options: ADAM_OPTIONS, plan: adam('gc', 'none', 'bias-corrected-eps', 0.02, 0) },
  'first_release/Adam_GCC': { options: ADAM_OPTIONS, plan: adam('gcc', 'none', 'bias-corrected-eps', 0.02, 0) },
  'first_release/Adam_GC2': { options: ADAM_OPTIONS, plan: adam('none', 'gc', 'bias-corrected-eps', 0.02, 0) },
  'first_release/Adam_GCC2': { options: ADAM_OPTIONS, plan: adam('none', 'gcc', 'bias-corrected-eps', 0.02, 0) },
  'first_release/AdamW': { options: ADAM_OPTIONS, plan: adam('none', 'none', 'raw-eps', 0, 0.02) },
  'first_release/AdamW_GC': { options: ADAM_OPTIONS, plan: adam('gc', 'none', 'raw-eps', 0, 0.02) },
  'first_release/AdamW_GCC': { options: ADAM_OPTIONS, plan: adam('gcc', 'none', 'raw-eps', 0, 0.02) },
  'first_release/AdamW_GC2': { options: ADAM_OPTIONS, plan: adam('none', 'gc', 'raw-eps', 0, 0.02) },
  'first_release/AdamW_GCC2': { options: ADAM_OPTIONS, plan: adam('none', 'gcc', 'raw-eps', 0, 0.02) },
  'first_release/Adagrad_GC': { options: ADAGRAD_OPTIONS, plan: adagrad('gc') },
  'first_release/Adagrad_GCC': { options: ADAGRAD_OPTIONS, plan: adagrad('gcc') },
  'advanced/SGD': { options: { ...SGD_OPTIONS, useGc: true, gcConvOnly: true }, plan: sgd('gcc', 0.03, 0) },
  'advanced/Adam': {
    options: { ...ADAM_OPTIONS, useGc: true },
    plan: adam('none', 'gc', 'bias-corrected-eps', 0.02, 0),
  },
  'advanced/AdamW': {
    options: { ...ADAM_OPTIONS, useGc: true },
    plan: adam('gc', 'none', 'bias-corrected-eps', 0, 0.02),
  },
  // no plan: the transform that stops it
  'advanced/RAdam': { options: { useGc: true }, plan: 'rectify' },
  'advanced/PlainRAdam': { options: { useGc: true }, plan: 'rectify' },
  'advanced/Ranger': { options: { useGc: true }, plan: 'rectify' },
};

describe('compilePlan', () => {
  it('has an expected plan for every reference optimizer', () => {
    expect(referenceOptimizers.map((r) => `${r.family}/${r.name}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [label, { options, plan }] of Object.entries(EXPECTED)) {
    it(`compiles ${label}`, () => {
      const [family, name] = label.split('/') as ['first_release' | 'advanced', string];
      const compiled = compilePlan(createOptimizer(name, options, family).recipe);
      if (typeof plan === 'string') {
        expect(compiled.plan).toBeNull();
        expect(compiled.transform).toBe(plan);
        expect(compiled.reason).toMatch(new RegExp(`^${plan}: `));
      } else {
        expect(compiled).toEqual({ plan, reason: null, transform: null });
      }
    });
  }

  it('follows where a recipe puts a transform: the advanced options move GC and switch it off', () => {
    const adamOnGradient = compilePlan(createOptimizer('Adam', { gcLoc: true, useGc: true }, 'advanced').recipe).plan;
    expect(adamOnGradient).toMatchObject({ gradientRule: 'gc', updateRule: 'none' });
    const noGc = compilePlan(createOptimizer('AdamW', { useGc: false }, 'advanced').recipe).plan;
    expect(noGc).toMatchObject({ gradientRule: 'none', updateRule: 'none', decayAfterDirection: 1e-2 });
    const noMomentum = compilePlan(SGD_GC({ lr: 0.1 }).recipe).plan as FusedPlan & { momentum: number };
    expect(noMomentum.momentum).toBe(0);
  });

  it('names the lookahead wrapper as what stops a plan', () => {
    const compiled = compilePlan(Lookahead(Adam_GC(), { k: 2 }).recipe);
    expect(compiled).toMatchObject({ plan: null, transform: 'lookaheadSync' });
    expect(compiled.reason).toMatch(/lookaheadSync: no fused plan has a transform after applyUpdate/);
  });

  it('gives no plan for a transform of a kind no fused backend knows, naming it', () => {
    const clip: Transform = {
      name: 'clipByValue',
      descriptor: { kind: 'custom', label: 'clip u to [-1, 1]' },
      apply() {},
    };
    const recipe = [clip, ...Adam_GC().recipe];
    const compiled = compilePlan(recipe);
    expect(compiled).toMatchObject({ plan: null, transform: 'clipByValue' });
    expect(compiled.reason).toMatch(/clipByValue: no fused backend implements descriptor kind 'custom'/);
    // a descriptor kind this version has never heard of (a newer core, a hand-made transform)
    const alien = { name: 'alien', descriptor: { kind: 'scaleByLion', beta: 0.9 }, apply() {} } as unknown as Transform;
    expect(compilePlan([...SGD_GC({ lr: 1 }).recipe.slice(0, 2), alien]).transform).toBe('alien');
    // a transform written without a descriptor
    const bare: Transform = { name: 'bare', apply() {} };
    expect(compilePlan([...Adam_GC().recipe.slice(0, 3), bare])).toMatchObject({
      plan: null,
      transform: 'bare',
      reason: 'bare: it has no descriptor (only the core can run it)',
    });
  });

  it('refuses a known transform out of place, and Adam moments and direction that disagree', () => {
    const sgdRecipe = SGD_GC({ lr: 0.1, momentum: 0.9 }).recipe;
    const swapped = [...sgdRecipe.slice(0, 3), sgdRecipe[4], sgdRecipe[3]];
    expect(compilePlan(swapped)).toMatchObject({ plan: null, transform: 'applyUpdate' });
    expect(compilePlan(sgdRecipe.slice(0, 4))).toMatchObject({ plan: null, transform: '(end of recipe)' });
    const mismatched = [
      adamMoments({ beta1: 0.9, beta2: 0.999 }),
      scaleByAdam({ beta1: 0.9, beta2: 0.99, eps: 1e-8, epsPlacement: 'raw-eps' }),
      scaleByLearningRate(),
      applyUpdate(),
    ];
    const compiled = compilePlan(recipeOptimizer('Mismatched', { lr: 1 }, mismatched).recipe);
    expect(compiled).toMatchObject({ plan: null, transform: 'scaleByAdam(raw-eps)' });
    expect(compiled.reason).toMatch(/betas\/amsgrad differ/);
  });
});
