import type { GcRule } from '../../centralize/gcRule.js';
import { adamMoments } from '../../transforms/adamMoments.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { scaleByAdam } from '../../transforms/scaleByAdam.js';
import type { Transform } from '../../transforms/transform.js';
import { ADAM_OPTION_NAMES, parseAdamOptions, type AdamHyper } from '../options/adamOptions.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { Optimizer, OptimizerOptions } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';

export type AdamOptions = Partial<AdamHyper> & OptimizerOptions;

/**
 * First-release Adam with coupled L2 (docs/ALGORITHMS.md §2.3): `g ← g + wd·p`, Adam moments,
 * `p ← p − lr/(1−β1^t) · m / (sqrt(v̂)/sqrt(1−β2^t) + eps)`; GC either on the gradient
 * (`where: 'gradient'`, Adam_GC/GCC: the L2 term is centred too) or on the update
 * (`where: 'update'`, Adam_GC2/GCC2: each centred tensor keeps its per-channel mean exactly).
 * `weightDecay` is not validated (negative values are accepted, as in the reference).
 */
function adamCoupled(name: string, rule: GcRule, where: 'gradient' | 'update', options: AdamOptions): Optimizer<AdamHyper> {
  rejectUnknownOptions(name, options, ADAM_OPTION_NAMES);
  const h = parseAdamOptions(name, options, { checkWeightDecay: false });
  const [beta1, beta2] = h.betas;
  const recipe: Transform[] = [
    addWeightDecay(h.weightDecay),
    centralizeUpdate(where === 'gradient' ? rule : 'none'),
    adamMoments({ beta1, beta2, amsgrad: h.amsgrad }),
    scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: 'bias-corrected-eps' }),
    centralizeUpdate(where === 'update' ? rule : 'none'),
    scaleByLearningRate(),
    applyUpdate(),
  ];
  return recipeOptimizer(name, h, recipe, options);
}

/** `Adam_GC`: GC on the (L2-augmented) gradient, rank ≥ 2. */
export const Adam_GC = (options: AdamOptions = {}) => adamCoupled('Adam_GC', 'gc', 'gradient', options);
/** `Adam_GCC`: GC on the gradient, conv kernels only (rank ≥ 4). */
export const Adam_GCC = (options: AdamOptions = {}) => adamCoupled('Adam_GCC', 'gcc', 'gradient', options);
/** `Adam_GC2`: GC on the update, rank ≥ 2 — per-channel weight means preserved exactly. */
export const Adam_GC2 = (options: AdamOptions = {}) => adamCoupled('Adam_GC2', 'gc', 'update', options);
/** `Adam_GCC2`: GC on the update, conv kernels only. */
export const Adam_GCC2 = (options: AdamOptions = {}) => adamCoupled('Adam_GCC2', 'gcc', 'update', options);
