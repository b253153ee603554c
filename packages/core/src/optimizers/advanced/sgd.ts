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

export type AdvancedSgdHyper = SgdHyper & GcFlags;
export type AdvancedSgdOptions = SgdOptions & Partial<GcFlags> & OptimizerOptions;

/**
 * Advanced `SGD` (docs/ALGORITHMS.md §3.1): torch.optim.SGD plus `GC(g + wd·p)` when `useGc`
 * (`gcConvOnly`: rank ≥ 4 only). For SGD, GC on the gradient and on the update are the same
 * (it is linear), hence no `gcLoc`. `lr` is required.
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
