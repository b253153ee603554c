import { ruleFromFlags } from '../../centralize/gcRule.js';
import { adamMoments } from '../../transforms/adamMoments.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { scaleByAdam } from '../../transforms/scaleByAdam.js';
import { ADAM_OPTION_NAMES, parseAdamOptions, type AdamHyper } from '../options/adamOptions.js';
import { GC_FLAG_NAMES, parseGcFlags, parseGcLoc, type GcFlags, type GcLocation } from '../options/gcFlags.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { Optimizer, OptimizerOptions } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';

/** Resolved hyper-parameters of the advanced `Adam` and `AdamW`: Adam's, plus the GC switches and location. */
export type AdvancedAdamHyper = AdamHyper & GcFlags & GcLocation;
/** Options of the advanced `Adam` and `AdamW`; unset ones take the reference's defaults. */
export type AdvancedAdamOptions = Partial<AdvancedAdamHyper> & OptimizerOptions;
const NAMES = [...ADAM_OPTION_NAMES, ...GC_FLAG_NAMES, 'gcLoc'];

/**
 * Advanced `Adam` (docs/ALGORITHMS.md §3.2): coupled L2 `g + wd·p`; GC on the gradient when `gcLoc`, else (the
 * default) on the update direction `m/(sqrt(v̂)/sqrt(1−β2^t) + eps)`; `p ← p − lr/(1−β1^t)·G`.
 * A negative `weightDecay` is rejected (unlike the first-release Adam_*).
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adam } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adam({ lr: 0.1, useGc: true });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9333, 2.0333, 3.0333, 4.0333, 5.0333, 5.9333 ]
 * // GC on the update (gcLoc false): row means stay 2 and 5
 * ```
 */
export function Adam(options: AdvancedAdamOptions = {}): Optimizer<AdvancedAdamHyper> {
  rejectUnknownOptions('Adam', options, NAMES);
  const h = {
    ...parseAdamOptions('Adam', options, { checkWeightDecay: true }),
    ...parseGcFlags('Adam', options),
    ...parseGcLoc('Adam', options, false),
  };
  const rule = ruleFromFlags(h.useGc, h.gcConvOnly);
  const [beta1, beta2] = h.betas;
  return recipeOptimizer(
    'Adam',
    h,
    [
      addWeightDecay(h.weightDecay),
      centralizeUpdate(h.gcLoc ? rule : 'none'),
      adamMoments({ beta1, beta2, amsgrad: h.amsgrad }),
      scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: 'bias-corrected-eps' }),
      centralizeUpdate(h.gcLoc ? 'none' : rule),
      scaleByLearningRate(),
      applyUpdate(),
    ],
    options,
  );
}

/**
 * Advanced `AdamW` (docs/ALGORITHMS.md §3.3) — a third AdamW formula: `G = m/(sqrt(v̂)/sqrt(1−β2^t) + eps) + wd·p`,
 * `p ← p − lr/(1−β1^t)·G` (the decay is scaled by lr/(1−β1^t), not lr as in torch's AdamW).
 * Defaults differ from Adam: `weightDecay` 1e-2 and `gcLoc` true (GC on the gradient); with
 * `gcLoc: false` the decay term is centred too (docs/ALGORITHMS.md §5.3).
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW({ lr: 0.1, useGc: true });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.89, 2.08, 3.07, 4.06, 5.05, 5.84 ]
 * ```
 */
export function AdamW(options: AdvancedAdamOptions = {}): Optimizer<AdvancedAdamHyper> {
  rejectUnknownOptions('AdamW', options, NAMES);
  const h = {
    ...parseAdamOptions('AdamW', options, { checkWeightDecay: true, defaultWeightDecay: 1e-2 }),
    ...parseGcFlags('AdamW', options),
    ...parseGcLoc('AdamW', options, true),
  };
  const rule = ruleFromFlags(h.useGc, h.gcConvOnly);
  const [beta1, beta2] = h.betas;
  return recipeOptimizer(
    'AdamW',
    h,
    [
      centralizeUpdate(h.gcLoc ? rule : 'none'),
      adamMoments({ beta1, beta2, amsgrad: h.amsgrad }),
      scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: 'bias-corrected-eps' }),
      addWeightDecay(h.weightDecay),
      centralizeUpdate(h.gcLoc ? 'none' : rule),
      scaleByLearningRate(),
      applyUpdate(),
    ],
    options,
  );
}
