import type { GcRule } from '../../centralize/gcRule.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { scaleByAdagrad } from '../../transforms/scaleByAdagrad.js';
import { Checker, rejectUnknownOptions } from '../validation.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { LearningRate, Optimizer, OptimizerOptions } from '../types.js';

/** Resolved hyper-parameters of `Adagrad_GC` and `Adagrad_GCC`. */
export interface AdagradHyper {
  /** Default 1e-2. */
  lr: LearningRate;
  /** Default 0: `clr = lr / (1 + (t−1)·lrDecay)`. */
  lrDecay: number;
  /** Default 0 (coupled L2, centred with the gradient). */
  weightDecay: number;
  /** Default 0: the accumulator's starting value. */
  initialAccumulatorValue: number;
  /** Default 1e-10. */
  eps: number;
}

/** Options of `Adagrad_GC` and `Adagrad_GCC`; unset ones take the reference's defaults. */
export type AdagradOptions = Partial<AdagradHyper> & OptimizerOptions;
const NAMES = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] as const;

/**
 * First-release Adagrad with GC (docs/ALGORITHMS.md §2.5): `g ← GC(g + wd·p)`, `sum += g²`, `p ← p −
 * clr·g/(sqrt(sum)+eps)`.
 */
function adagrad(name: string, rule: GcRule, options: AdagradOptions): Optimizer<AdagradHyper> {
  rejectUnknownOptions(name, options, NAMES);
  const c = new Checker(name);
  const nonNegative = (v: number) => v >= 0;
  const h: AdagradHyper = {
    lr: c.learningRate(options.lr ?? 1e-2, nonNegative, (v) => `Invalid learning rate: ${v}`),
    lrDecay: c.check('lrDecay', options.lrDecay ?? 0, nonNegative, (v) => `Invalid lr_decay value: ${v}`),
    weightDecay: c.check(
      'weightDecay',
      options.weightDecay ?? 0,
      nonNegative,
      (v) => `Invalid weight_decay value: ${v}`,
    ),
    initialAccumulatorValue: c.check(
      'initialAccumulatorValue',
      options.initialAccumulatorValue ?? 0,
      nonNegative,
      (v) => `Invalid initial_accumulator_value value: ${v}`,
    ),
    eps: c.check('eps', options.eps ?? 1e-10, nonNegative, (v) => `Invalid epsilon value: ${v}`),
  };
  return recipeOptimizer(
    name,
    h,
    [addWeightDecay(h.weightDecay), centralizeUpdate(rule), scaleByAdagrad(h), scaleByLearningRate(), applyUpdate()],
    options,
  );
}

/**
 * First-release `Adagrad_GC`: Adagrad with L2 decay added to the gradient and GC on it (rank ≥ 2).
 *
 * Update rule (docs/ALGORITHMS.md §2.5):
 * ```text
 * g ← GC(g + wd·p)
 * sum ← sum + g²              (sum starts at initialAccumulatorValue)
 * p ← p − lr/(1 + (t − 1)·lrDecay) · g/(√sum + eps)
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adagrad_GC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adagrad_GC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9, 2.1, 3.1, 4.1, 5.1, 5.9 ]
 * ```
 */
export const Adagrad_GC = (options: AdagradOptions = {}) => adagrad('Adagrad_GC', 'gc', options);

/**
 * First-release `Adagrad_GCC`: as `Adagrad_GC`, GC only on conv kernels (rank ≥ 4).
 *
 * Update rule (docs/ALGORITHMS.md §2.5):
 * ```text
 * g ← GC₄(g + wd·p)
 * sum ← sum + g²
 * p ← p − lr/(1 + (t − 1)·lrDecay) · g/(√sum + eps)
 * ```
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Adagrad_GCC } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Adagrad_GCC({ lr: 0.1 });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.9, 2, 3, 4, 5, 5.9 ]
 * ```
 */
export const Adagrad_GCC = (options: AdagradOptions = {}) => adagrad('Adagrad_GCC', 'gcc', options);
