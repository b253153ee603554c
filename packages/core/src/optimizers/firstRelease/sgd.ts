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

/**
 * First-release `SGD_GC`: SGD with L2 decay added to the gradient, then GC on every tensor of rank ≥ 2.
 * `lr` is required. Per-channel weight means are preserved exactly (the L2 term is centred too).
 *
 * Update rule (docs/ALGORITHMS.md §2.1):
 * ```text
 * d ← GC(g + wd·p)
 * momentum (μ ≠ 0): buf ← d on step 1, then buf ← μ·buf + (1 − dampening)·d;
 *                   d ← d + μ·buf with nesterov, else d ← buf
 * p ← p − lr·d
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGD_GC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGD_GC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8, 2.1, 3.1, 4.1, 5.1, 5.8 ]
 * // each row keeps its mean (2 and 5)
 * ```
 */
export const SGD_GC = (options: SgdOptions & OptimizerOptions) => sgdCoupled('SGD_GC', 'gc', options);

/**
 * First-release `SGD_GCC`: as `SGD_GC`, but GC only on conv kernels (rank ≥ 4). `lr` is required.
 *
 * Update rule (docs/ALGORITHMS.md §2.1):
 * ```text
 * d ← GC₄(g + wd·p)          (rank < 4: d ← g + wd·p)
 * momentum (μ ≠ 0): buf ← d on step 1, then buf ← μ·buf + (1 − dampening)·d;
 *                   d ← d + μ·buf with nesterov, else d ← buf
 * p ← p − lr·d
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGD_GCC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGD_GCC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.7, 2, 3, 4, 5, 5.7 ]
 * // rank 2: not centred, a plain SGD step
 * ```
 */
export const SGD_GCC = (options: SgdOptions & OptimizerOptions) => sgdCoupled('SGD_GCC', 'gcc', options);

/**
 * First-release `SGDW`: SGD with decoupled weight decay from the pre-step weights, no GC. `lr` is required.
 *
 * Update rule (docs/ALGORITHMS.md §2.2):
 * ```text
 * d ← g
 * momentum (μ ≠ 0): buf ← d on step 1, then buf ← μ·buf + (1 − dampening)·d;
 *                   d ← d + μ·buf with nesterov, else d ← buf
 * p ← p − lr·d − lr·wd·p_old
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGDW } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGDW({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.69, 1.98, 2.97, 3.96, 4.95, 5.64 ]
 * ```
 */
export const SGDW = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW', 'none', options);

/**
 * First-release `SGDW_GC`: GC on the gradient (rank ≥ 2), momentum, then the decoupled decay, which is
 * not centred: per-channel weight means decay by exactly `(1 − lr·wd)` per step. `lr` is required.
 *
 * Update rule (docs/ALGORITHMS.md §2.2):
 * ```text
 * d ← GC(g)
 * momentum (μ ≠ 0): buf ← d on step 1, then buf ← μ·buf + (1 − dampening)·d;
 *                   d ← d + μ·buf with nesterov, else d ← buf
 * p ← p − lr·d − lr·wd·p_old
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGDW_GC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGDW_GC({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.79, 2.08, 3.07, 4.06, 5.05, 5.74 ]
 * // row means 2·0.99 and 5·0.99
 * ```
 */
export const SGDW_GC = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW_GC', 'gc', options);

/**
 * First-release `SGDW_GCC`: as `SGDW_GC`, GC only on conv kernels (rank ≥ 4). `lr` is required.
 *
 * Update rule (docs/ALGORITHMS.md §2.2):
 * ```text
 * d ← GC₄(g)
 * momentum (μ ≠ 0): buf ← d on step 1, then buf ← μ·buf + (1 − dampening)·d;
 *                   d ← d + μ·buf with nesterov, else d ← buf
 * p ← p − lr·d − lr·wd·p_old
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { SGDW_GCC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = SGDW_GCC({ lr: 0.1, weightDecay: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.69, 1.98, 2.97, 3.96, 4.95, 5.64 ]
 * ```
 */
export const SGDW_GCC = (options: SgdOptions & OptimizerOptions) => sgdDecoupled('SGDW_GCC', 'gcc', options);
