import type { GcRule } from '../../centralize/gcRule.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, applyUpdateWithDecoupledDecay, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { sgdMomentum } from '../../transforms/sgdMomentum.js';
import { parseSgdOptions, SGD_OPTION_NAMES, type SgdHyper, type SgdOptions } from '../options/sgdOptions.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { Optimizer, OptimizerOptions } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';

/**
 * SGD with coupled L2 decay and GC on the gradient (docs/ALGORITHMS.md §2.1):
 * `d = GC(g + wd·p)`, momentum/Nesterov as torch.optim.SGD, `p ← p − lr·d`.
 * The L2 term is centred too (docs/ALGORITHMS.md §5.2), so per-channel weight means are preserved exactly.
 */
function sgdCoupled(name: string, rule: GcRule, options: SgdOptions & OptimizerOptions): Optimizer<SgdHyper> {
  rejectUnknownOptions(name, options, SGD_OPTION_NAMES);
  const h = parseSgdOptions(name, options);
  return recipeOptimizer(
    name,
    h,
    [addWeightDecay(h.weightDecay), centralizeUpdate(rule), sgdMomentum(h), scaleByLearningRate(), applyUpdate()],
    options,
  );
}

/**
 * SGDW (docs/ALGORITHMS.md §2.2): GC on the gradient, momentum, `p ← p − lr·d`, then the decoupled decay
 * `p ← p − lr·wd·p_old` from the pre-step weights (not centred, not in momentum). Per-channel
 * weight means therefore decay by exactly `(1 − lr·wd)` per step.
 */
function sgdDecoupled(name: string, rule: GcRule, options: SgdOptions & OptimizerOptions): Optimizer<SgdHyper> {
  rejectUnknownOptions(name, options, SGD_OPTION_NAMES);
  const h = parseSgdOptions(name, options);
  return recipeOptimizer(
    name,
    h,
    [centralizeUpdate(rule), sgdMomentum(h), scaleByLearningRate(), applyUpdateWithDecoupledDecay(h.weightDecay)],
    options,
  );
}

/** First-release `SGD_GC`: GC on every tensor of rank ≥ 2. `lr` is required. */
export const SGD_GC = (options: SgdOptions & OptimizerOptions) => sgdCoupled('SGD_GC', 'gc', options);
/** First-release `SGD_GCC`: GC on conv kernels only (rank ≥ 4). `lr` is required. */
export const SGD_GCC = (options: SgdOptions & OptimizerOptions) => sgdCoupled('SGD_GCC', 'gcc', options);
/** First-release `SGDW`: decoupled weight decay, no GC. */
export const SGDW = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW', 'none', options);
/** First-release `SGDW_GC`: decoupled weight decay, GC on rank ≥ 2. */
export const SGDW_GC = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW_GC', 'gc', options);
/** First-release `SGDW_GCC`: decoupled weight decay, GC on rank ≥ 4. */
export const SGDW_GCC = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW_GCC', 'gcc', options);
