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

/** Options of the first-release Adam_* and AdamW*; unset ones take the reference's defaults. */
export type AdamOptions = Partial<AdamHyper> & OptimizerOptions;

/**
 * First-release Adam with coupled L2 (docs/ALGORITHMS.md §2.3): `g ← g + wd·p`, Adam moments,
 * `p ← p − lr/(1−β1^t) · m / (sqrt(v̂)/sqrt(1−β2^t) + eps)`; GC either on the gradient
 * (`where: 'gradient'`, Adam_GC/GCC: the L2 term is centred too) or on the update
 * (`where: 'update'`, Adam_GC2/GCC2: each centred tensor keeps its per-channel mean exactly).
 * `weightDecay` is not validated (negative values are accepted, as in the reference).
 */
function adamCoupled(
  name: string,
  rule: GcRule,
  where: 'gradient' | 'update',
  options: AdamOptions,
): Optimizer<AdamHyper> {
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

/**
 * First-release `Adam_GC`: Adam with L2 decay added to the gradient and GC on that gradient (rank ≥ 2).
 * The update itself is not mean-free.
 *
 * Update rule (docs/ALGORITHMS.md §2.3):
 * ```text
 * g ← GC(g + wd·p)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * p ← p − (lr/bc1)·m/(√v̂/√bc2 + eps)          bc1 = 1 − β1^t, bc2 = 1 − β2^t
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adam_GC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adam_GC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9, 2.1, 3.1, 4.1, 5.1, 5.9 ]
 * ```
 */
export const Adam_GC = (options: AdamOptions = {}) => adamCoupled('Adam_GC', 'gc', 'gradient', options);

/**
 * First-release `Adam_GCC`: as `Adam_GC`, GC only on conv kernels (rank ≥ 4).
 *
 * Update rule (docs/ALGORITHMS.md §2.3):
 * ```text
 * g ← GC₄(g + wd·p)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * p ← p − (lr/bc1)·m/(√v̂/√bc2 + eps)
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adam_GCC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adam_GCC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9, 2, 3, 4, 5, 5.9 ]
 * ```
 */
export const Adam_GCC = (options: AdamOptions = {}) => adamCoupled('Adam_GCC', 'gcc', 'gradient', options);

/**
 * First-release `Adam_GC2`: Adam with L2 decay in the gradient and GC on the update (rank ≥ 2):
 * per-channel weight means are preserved exactly.
 *
 * Update rule (docs/ALGORITHMS.md §2.3):
 * ```text
 * g ← g + wd·p
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * p ← p − GC((lr/bc1)·m/(√v̂/√bc2 + eps))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adam_GC2 } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adam_GC2({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9333, 2.0333, 3.0333, 4.0333, 5.0333, 5.9333 ]
 * // each row keeps its mean (2 and 5)
 * ```
 */
export const Adam_GC2 = (options: AdamOptions = {}) => adamCoupled('Adam_GC2', 'gc', 'update', options);

/**
 * First-release `Adam_GCC2`: as `Adam_GC2`, GC only on conv kernels (rank ≥ 4).
 *
 * Update rule (docs/ALGORITHMS.md §2.3):
 * ```text
 * g ← g + wd·p
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * p ← p − GC₄((lr/bc1)·m/(√v̂/√bc2 + eps))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adam_GCC2 } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adam_GCC2({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9, 2, 3, 4, 5, 5.9 ]
 * ```
 */
export const Adam_GCC2 = (options: AdamOptions = {}) => adamCoupled('Adam_GCC2', 'gcc', 'update', options);
