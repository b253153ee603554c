import { ruleFromFlags } from '../../centralize/gcRule.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { sgdMomentum } from '../../transforms/sgdMomentum.js';
import { GC_FLAG_NAMES, parseGcFlags, type GcFlags } from '../options/gcFlags.js';
import { parseSgdOptions, SGD_OPTION_NAMES, type SgdHyper, type SgdOptions } from '../options/sgdOptions.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { Optimizer, OptimizerOptions } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';

/** Resolved hyper-parameters of the advanced `SGD`: SGD's, plus the GC switches. */
export type AdvancedSgdHyper = SgdHyper & GcFlags;
/** Options of the advanced `SGD` (`lr` required). */
export type AdvancedSgdOptions = SgdOptions & Partial<GcFlags> & OptimizerOptions;

/**
 * Advanced `SGD` (docs/ALGORITHMS.md §3.1): torch.optim.SGD plus `GC(g + wd·p)` when `useGc`
 * (`gcConvOnly`: rank ≥ 4 only). For SGD, GC on the gradient and on the update are the same
 * (it is linear), hence no `gcLoc`. `lr` is required.
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGD } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGD({ lr: 0.1, useGc: true });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8, 2.1, 3.1, 4.1, 5.1, 5.8 ]
 * // each row keeps its mean (2 and 5)
 * ```
 */
export function SGD(options: AdvancedSgdOptions): Optimizer<AdvancedSgdHyper> {
  rejectUnknownOptions('SGD', options, [...SGD_OPTION_NAMES, ...GC_FLAG_NAMES]);
  const h = { ...parseSgdOptions('SGD', options), ...parseGcFlags('SGD', options) };
  return recipeOptimizer(
    'SGD',
    h,
    [
      addWeightDecay(h.weightDecay),
      centralizeUpdate(ruleFromFlags(h.useGc, h.gcConvOnly)),
      sgdMomentum(h),
      scaleByLearningRate(),
      applyUpdate(),
    ],
    options,
  );
}
