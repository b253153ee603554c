import type { GcRule } from '../../centralize/gcRule.js';
import { adamMoments } from '../../transforms/adamMoments.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { scaleByAdam } from '../../transforms/scaleByAdam.js';
import { ADAM_OPTION_NAMES, parseAdamOptions } from '../options/adamOptions.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { Optimizer } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';
import type { AdamOptions } from './adam.js';
import type { AdamHyper } from '../options/adamOptions.js';

/**
 * First-release AdamW (docs/ALGORITHMS.md §2.4) — not torch's AdamW: eps outside the bias correction,
 * `s = lr·sqrt(1−β2^t)/(1−β1^t)` and `p ← p − s·(wd·p + m/(sqrt(v̂) + eps))`, so the decay is scaled
 * by `s`, not by `lr` (docs/ALGORITHMS.md §5.4). `weightDecay` defaults to 0. GC on the gradient (AdamW_GC/GCC)
 * or on the whole update including the decay term (AdamW_GC2/GCC2, docs/ALGORITHMS.md §5.3: the per-channel
 * weight mean is never decayed).
 */
function adamWFirstRelease(name: string, rule: GcRule, where: 'gradient' | 'update', options: AdamOptions): Optimizer<AdamHyper> {
  rejectUnknownOptions(name, options, ADAM_OPTION_NAMES);
  const h = parseAdamOptions(name, options, { checkWeightDecay: false });
  const [beta1, beta2] = h.betas;
  return recipeOptimizer(
    name,
    h,
    [
      centralizeUpdate(where === 'gradient' ? rule : 'none'),
      adamMoments({ beta1, beta2, amsgrad: h.amsgrad }),
      scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: 'raw-eps' }),
      addWeightDecay(h.weightDecay),
      centralizeUpdate(where === 'update' ? rule : 'none'),
      scaleByLearningRate(),
      applyUpdate(),
    ],
    options,
  );
}

/** First-release `AdamW` (no GC); `createOptimizer('AdamW', options, 'first_release')` by reference name. */
export const AdamW_FirstRelease = (options: AdamOptions = {}) => adamWFirstRelease('AdamW', 'none', 'gradient', options);
/** `AdamW_GC`: GC on the gradient, rank ≥ 2. */
export const AdamW_GC = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GC', 'gc', 'gradient', options);
/** `AdamW_GCC`: GC on the gradient, conv kernels only. */
export const AdamW_GCC = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GCC', 'gcc', 'gradient', options);
/** `AdamW_GC2`: GC on the update (decay included), rank ≥ 2. */
export const AdamW_GC2 = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GC2', 'gc', 'update', options);
/** `AdamW_GCC2`: GC on the update (decay included), conv kernels only. */
export const AdamW_GCC2 = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GCC2', 'gcc', 'update', options);
