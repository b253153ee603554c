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
function adamWFirstRelease(
  name: string,
  rule: GcRule,
  where: 'gradient' | 'update',
  options: AdamOptions,
): Optimizer<AdamHyper> {
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

/**
 * The first release's plain `AdamW` (no GC) — not torch's AdamW, nor the advanced `AdamW`: eps outside the
 * bias correction and the decay scaled by the step size. `weightDecay` defaults to 0. By reference
 * name: `createOptimizer('AdamW', options, 'first_release')`.
 *
 * Update rule (docs/ALGORITHMS.md §2.4):
 * ```text
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * s ← lr·√bc2/bc1
 * p ← p − s·(wd·p + m/(√v̂ + eps))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW_FirstRelease } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW_FirstRelease({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8968, 1.9937, 2.9905, 3.9874, 4.9842, 5.881 ]
 * ```
 */
export const AdamW_FirstRelease = (options: AdamOptions = {}) =>
  adamWFirstRelease('AdamW', 'none', 'gradient', options);

/**
 * First-release `AdamW_GC`: the first-release AdamW with GC on the gradient (rank ≥ 2).
 *
 * Update rule (docs/ALGORITHMS.md §2.4):
 * ```text
 * g ← GC(g)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * s ← lr·√bc2/bc1
 * p ← p − s·(wd·p + m/(√v̂ + eps))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW_GC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW_GC({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8968, 2.0937, 3.0905, 4.0874, 5.0842, 5.881 ]
 * ```
 */
export const AdamW_GC = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GC', 'gc', 'gradient', options);

/**
 * First-release `AdamW_GCC`: as `AdamW_GC`, GC only on conv kernels (rank ≥ 4).
 *
 * Update rule (docs/ALGORITHMS.md §2.4):
 * ```text
 * g ← GC₄(g)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * s ← lr·√bc2/bc1
 * p ← p − s·(wd·p + m/(√v̂ + eps))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW_GCC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW_GCC({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8968, 1.9937, 2.9905, 3.9874, 4.9842, 5.881 ]
 * ```
 */
export const AdamW_GCC = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GCC', 'gcc', 'gradient', options);

/**
 * First-release `AdamW_GC2`: the first-release AdamW with GC on the whole update, decay term included
 * (rank ≥ 2): per-channel weight means are never decayed.
 *
 * Update rule (docs/ALGORITHMS.md §2.4, §5.3):
 * ```text
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * s ← lr·√bc2/bc1
 * p ← p − GC(s·(wd·p + m/(√v̂ + eps)))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW_GC2 } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW_GC2({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9365, 2.0333, 3.0302, 4.0365, 5.0333, 5.9302 ]
 * // each row keeps its mean (2 and 5)
 * ```
 */
export const AdamW_GC2 = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GC2', 'gc', 'update', options);

/**
 * First-release `AdamW_GCC2`: as `AdamW_GC2`, GC only on conv kernels (rank ≥ 4).
 *
 * Update rule (docs/ALGORITHMS.md §2.4):
 * ```text
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ = max(v̂, v) with amsgrad, else v
 * s ← lr·√bc2/bc1
 * p ← p − GC₄(s·(wd·p + m/(√v̂ + eps)))
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { AdamW_GCC2 } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = AdamW_GCC2({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8968, 1.9937, 2.9905, 3.9874, 4.9842, 5.881 ]
 * ```
 */
export const AdamW_GCC2 = (options: AdamOptions = {}) => adamWFirstRelease('AdamW_GCC2', 'gcc', 'update', options);
