/**
 * The 23 reference optimizers (docs/ALGORITHMS.md §2–§3; Lookahead around the advanced SGD and Adam), each with
 * valid hyper-parameters and what the algorithm promises about per-channel weight means, derived from
 * the update formulas in docs/ALGORITHMS.md:
 *
 * - mean preserved  ⇔ the whole update of a tensor is centred: GC on a gradient that the rest of the step
 *   treats linearly (SGD_GC: L2 term added *before* GC, momentum linear), or GC on the final update
 *   direction (Adam_GC2, AdamW_GC2 — decay inside the centred delta, docs/ALGORITHMS.md §5.3 —, advanced Adam/AdamW and
 *   RAdam/PlainRAdam/Ranger with gcLoc = false). Lookahead/Ranger's slow-weight syncs are convex
 *   combinations of weights with the same channel means, so they keep them.
 * - SGDW_GC: the decoupled decay −lr·wd·p_old is not centred (docs/ALGORITHMS.md §2.2): means decay by exactly
 *   (1 − lr·wd) per step.
 * - no claim: GC on the gradient followed by a nonlinear step (Adam_GC, AdamW_GC, Adagrad_GC, gcLoc = true);
 *   the suite shows a counterexample is found if one claims it (test/mutants/optimizers.test.ts).
 * - fan-in 1 (docs/ALGORITHMS.md §5.18): GC zeroes the gradient; the weight never moves wherever nothing outside the
 *   centred path moves it: not under decoupled decay (SGDW_GC with wd ≠ 0, AdamW_GC with wd ≠ 0,
 *   advanced AdamW with gcLoc and wd ≠ 0) nor under the RAdam family's gcLoc = true with wd ≠ 0, whose
 *   SGD phase writes the decay into exp_avg (docs/ALGORITHMS.md §5.8).
 */
import fc from 'fast-check';
import type { Family, GcRule } from '@gcopt/core';
import { ruleOfFlags } from '../oracle/layout.js';
import {
  adagradHyperArb,
  adamHyperArb,
  advancedAdamHyperArb,
  advancedSgdHyperArb,
  lookaheadArb,
  radamHyperArb,
  rangerHyperArb,
  sgdHyperArb,
} from '../arbitraries/hyperParameters.js';
import { adamDirectionBound } from '../tolerance.js';
import type { MeanClaims, UpdateBoundContext } from './instance.js';

type Hyper = Record<string, any>;

/** One optimizer of the catalog: how to draw its hyper-parameters and what it promises. */
export interface CatalogEntry {
  /** Reference class name; Lookahead entries are `Lookahead(SGD)` / `Lookahead(Adam)`. */
  readonly name: string;
  readonly family: Family | 'wrapper';
  /** Valid hyper-parameters (Lookahead: `{ inner, k, alpha }`). */
  readonly hyper: fc.Arbitrary<Hyper>;
  readonly claims: (hyper: Hyper) => MeanClaims;
}

// --- update bounds (|scale·u| where u is centred; see tolerance.ts meanStepTolerance) -------------

/**
 * SGD family: u = g + wd·p is centred before momentum; the momentum buffer sums at most t such terms
 * (μ < 1, 1 − dampening ≤ 1) and Nesterov adds one more: |lr·u| ≤ lr·(t + 1)·max_s(|g_s| + |wd|·|p_s|).
 */
function sgdBound(h: Hyper) {
  return (c: UpdateBoundContext) =>
    h.lr * (h.momentum > 0 ? c.t + 1 : 1) * (c.gradMaxSoFar + Math.abs(h.weightDecay) * c.paramMaxSoFar);
}

/**
 * Adam family: |m̂|/sqrt(v̂) ≤ C_t (tolerance.ts adamDirectionBound), and with every eps placement and
 * bias-correction variant of docs/ALGORITHMS.md §2.3/§2.4/§3.2/§3.3 the scaled direction is ≤ lr·C_t; the decay term
 * adds at most lr/(1−β1^t)·|wd|·|p|.
 */
function adamBound(h: Hyper) {
  const [b1, b2] = h.betas;
  return (c: UpdateBoundContext) =>
    h.lr * (adamDirectionBound(b1, b2, c.t) + (Math.abs(h.weightDecay) * c.paramMax) / (1 - b1 ** c.t));
}

/**
 * RAdam family: the rectified direction is ≤ lrEff·C_t (r ≤ sqrt(1−β2^t)/(1−β1^t)), the SGD phase's
 * m/(1−β1^t) ≤ max|g|, the decay adds lrEff/(1−β1^t)·|wd|·|p|. The SGD-phase alias (docs/ALGORITHMS.md §5.8) writes
 * decay and centring into exp_avg, which voids any a-priori bound of later directions; the observed
 * step is added for that part (an update that large shows in the weights).
 */
function radamBound(h: Hyper, lrTwice: boolean) {
  const [b1, b2] = h.betas;
  const lrEff = lrTwice ? h.lr * h.lr : h.lr;
  return (c: UpdateBoundContext) =>
    lrEff *
      (adamDirectionBound(b1, b2, c.t) + c.gradMaxSoFar + (Math.abs(h.weightDecay) * c.paramMax) / (1 - b1 ** c.t)) +
    c.observedStep;
}

// --- entries ------------------------------------------------------------------------------------------

const frozenUnless = (moves: boolean, rule: GcRule): GcRule => (moves ? 'none' : rule);

function sgdFirstRelease(name: string, rule: GcRule): CatalogEntry {
  return {
    name,
    family: 'first_release',
    hyper: sgdHyperArb,
    claims: (h) => ({ preservesMean: rule, fanInOneFrozen: rule, updateBound: sgdBound(h) }),
  };
}

function sgdw(name: string, rule: GcRule): CatalogEntry {
  return {
    name,
    family: 'first_release',
    hyper: sgdHyperArb,
    claims: (h) => ({
      preservesMean: rule,
      meanFactor: 1 - h.lr * h.weightDecay,
      fanInOneFrozen: frozenUnless(h.weightDecay !== 0, rule),
      updateBound: sgdBound(h),
    }),
  };
}

function adamFirstRelease(name: string, rule: GcRule, where: 'gradient' | 'update'): CatalogEntry {
  return {
    name,
    family: 'first_release',
    hyper: adamHyperArb,
    claims: (h) => ({
      preservesMean: where === 'update' ? rule : 'none',
      fanInOneFrozen: rule,
      updateBound: adamBound(h),
    }),
  };
}

function adamWFirstRelease(name: string, rule: GcRule, where: 'gradient' | 'update'): CatalogEntry {
  return {
    name,
    family: 'first_release',
    hyper: adamHyperArb,
    claims: (h) => ({
      preservesMean: where === 'update' ? rule : 'none',
      // GC on the gradient leaves the decay term uncentred: a fan-in-1 weight decays
      fanInOneFrozen: where === 'update' ? rule : frozenUnless(h.weightDecay !== 0, rule),
      updateBound: adamBound(h),
    }),
  };
}

function adagrad(name: string, rule: GcRule): CatalogEntry {
  return {
    name,
    family: 'first_release',
    hyper: adagradHyperArb,
    claims: () => ({ preservesMean: 'none', fanInOneFrozen: rule }),
  };
}

const advancedSgdClaims = (h: Hyper): MeanClaims => {
  const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
  return { preservesMean: rule, fanInOneFrozen: rule, updateBound: sgdBound(h) };
};

const advancedAdamClaims =
  (decoupled: boolean) =>
  (h: Hyper): MeanClaims => {
    const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
    return {
      preservesMean: h.gcLoc ? 'none' : rule,
      // Adam: the L2 term is added before GC, so a gradient-side GC zeroes it too; AdamW adds its decay after
      fanInOneFrozen: decoupled ? frozenUnless(h.gcLoc && h.weightDecay !== 0, rule) : rule,
      updateBound: adamBound(h),
    };
  };

const radamClaims =
  (lrTwice: boolean) =>
  (h: Hyper): MeanClaims => {
    const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
    return {
      preservesMean: h.gcLoc ? 'none' : rule,
      fanInOneFrozen: frozenUnless(h.gcLoc && h.weightDecay !== 0, rule),
      updateBound: radamBound(h, lrTwice),
    };
  };

function lookahead(
  innerName: 'SGD' | 'Adam',
  inner: fc.Arbitrary<Hyper>,
  innerClaims: (h: Hyper) => MeanClaims,
): CatalogEntry {
  return {
    name: `Lookahead(${innerName})`,
    family: 'wrapper',
    hyper: fc.tuple(inner, lookaheadArb).map(([i, la]) => ({ inner: i, ...la })),
    claims: (h) => innerClaims(h.inner),
  };
}

/** Every reference optimizer (and Lookahead around SGD and Adam) with its hyper-parameters and claims. */
export const referenceCatalog: readonly CatalogEntry[] = [
  sgdFirstRelease('SGD_GC', 'gc'),
  sgdFirstRelease('SGD_GCC', 'gcc'),
  sgdw('SGDW', 'none'),
  sgdw('SGDW_GC', 'gc'),
  sgdw('SGDW_GCC', 'gcc'),
  adamFirstRelease('Adam_GC', 'gc', 'gradient'),
  adamFirstRelease('Adam_GCC', 'gcc', 'gradient'),
  adamFirstRelease('Adam_GC2', 'gc', 'update'),
  adamFirstRelease('Adam_GCC2', 'gcc', 'update'),
  adamWFirstRelease('AdamW', 'none', 'gradient'),
  adamWFirstRelease('AdamW_GC', 'gc', 'gradient'),
  adamWFirstRelease('AdamW_GCC', 'gcc', 'gradient'),
  adamWFirstRelease('AdamW_GC2', 'gc', 'update'),
  adamWFirstRelease('AdamW_GCC2', 'gcc', 'update'),
  adagrad('Adagrad_GC', 'gc'),
  adagrad('Adagrad_GCC', 'gcc'),
  { name: 'SGD', family: 'advanced', hyper: advancedSgdHyperArb, claims: advancedSgdClaims },
  { name: 'Adam', family: 'advanced', hyper: advancedAdamHyperArb, claims: advancedAdamClaims(false) },
  { name: 'AdamW', family: 'advanced', hyper: advancedAdamHyperArb, claims: advancedAdamClaims(true) },
  { name: 'RAdam', family: 'advanced', hyper: radamHyperArb, claims: radamClaims(false) },
  { name: 'PlainRAdam', family: 'advanced', hyper: radamHyperArb, claims: radamClaims(true) },
  { name: 'Ranger', family: 'advanced', hyper: rangerHyperArb, claims: radamClaims(false) },
  lookahead('SGD', advancedSgdHyperArb, advancedSgdClaims),
  lookahead('Adam', advancedAdamHyperArb, advancedAdamClaims(false)),
];

/** The catalog entry of a reference optimizer; throws a RangeError for an unknown name. */
export function catalogEntry(name: string, family?: Family | 'wrapper'): CatalogEntry {
  const found = referenceCatalog.find((e) => e.name === name && (family === undefined || e.family === family));
  if (!found) throw new RangeError(`no catalog entry '${name}'${family ? ` (${family})` : ''}`);
  return found;
}
