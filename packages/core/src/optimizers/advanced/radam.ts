import { ruleFromFlags } from '../../centralize/gcRule.js';
import { adamMoments } from '../../transforms/adamMoments.js';
import { addWeightDecay } from '../../transforms/addWeightDecay.js';
import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { centralizeUpdate } from '../../transforms/centralizeUpdate.js';
import { rectify } from '../../transforms/rectify.js';
import type { Transform } from '../../transforms/transform.js';
import { GC_FLAG_NAMES, parseGcFlags, parseGcLoc, type GcFlags, type GcLocation } from '../options/gcFlags.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { LearningRate, Optimizer, OptimizerOptions } from '../types.js';
import { Checker, rejectUnknownOptions } from '../validation.js';

/** Resolved hyper-parameters of `RAdam` and `PlainRAdam`. */
export interface RAdamHyper extends GcFlags, GcLocation {
  /** Default 1e-3. */
  lr: LearningRate;
  /** Default [0.9, 0.999]. */
  betas: [number, number];
  /** Default 1e-8 (not bias-corrected in the rectified phase). */
  eps: number;
  /** Default 0; not validated (negative accepted, as in the reference). */
  weightDecay: number;
  /**
   * Default true. The reference crashes at step 1 with `false` (UnboundLocalError); gcopt rejects
   * `false` at construction instead.
   */
  degeneratedToSgd: boolean;
}

/** Options of `RAdam` and `PlainRAdam`; unset ones take the reference's defaults. */
export type RAdamOptions = Partial<RAdamHyper> & OptimizerOptions;
const NAMES = ['lr', 'betas', 'eps', 'weightDecay', 'degeneratedToSgd', ...GC_FLAG_NAMES, 'gcLoc'];

function parseRAdam(name: string, o: RAdamOptions): RAdamHyper {
  rejectUnknownOptions(name, o, NAMES);
  const c = new Checker(name);
  const lr = c.learningRate(
    o.lr ?? 1e-3,
    (v) => v >= 0,
    (v) => `Invalid learning rate: ${v}`,
  );
  const eps = c.check(
    'eps',
    o.eps ?? 1e-8,
    (v) => v >= 0,
    (v) => `Invalid epsilon value: ${v}`,
  );
  const betas = c.betas(o.betas ?? [0.9, 0.999], true);
  const weightDecay = c.number('weightDecay', o.weightDecay ?? 0, () => 'weightDecay must be a number');
  const degeneratedToSgd = c.boolean('degeneratedToSgd', o.degeneratedToSgd ?? true);
  if (!degeneratedToSgd) {
    c.fail(
      'degeneratedToSgd',
      false,
      'the reference leaves the update undefined before rectification starts and crashes at step 1 ' +
        "(UnboundLocalError: cannot access local variable 'G_grad')",
    );
  }
  return { lr, betas, eps, weightDecay, degeneratedToSgd, ...parseGcFlags(name, o), ...parseGcLoc(name, o, false) };
}

/** The common body: GC (gradient), moments, rectified direction, decay, GC (update), step. */
function radamRecipe(h: RAdamHyper, threshold: number, comparison: 'inclusive' | 'exclusive'): Transform[] {
  const rule = ruleFromFlags(h.useGc, h.gcConvOnly);
  const [beta1, beta2] = h.betas;
  return [
    centralizeUpdate(h.gcLoc ? rule : 'none'),
    adamMoments({ beta1, beta2 }),
    rectify({ beta1, beta2, eps: h.eps, threshold, comparison }),
    addWeightDecay(h.weightDecay),
    centralizeUpdate(h.gcLoc ? 'none' : rule),
  ];
}

export { radamRecipe };

/**
 * `RAdam` (docs/ALGORITHMS.md §3.4): rectified Adam; SGD phase with `1/(1−β1^t)` while N_sma < 5 (steps 1–5 with
 * default betas). Reference arithmetic kept: in the SGD phase the update *is* `exp_avg`, so decay
 * and GC leak into the first moment (docs/ALGORITHMS.md §5.8); the decay term is scaled by r·lr (§5.11).
 * Float64 parameters compute in float64 (the reference computes them in float32, §5.7).
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { RAdam } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = RAdam({ lr: 0.1, useGc: true });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8, 2.1, 3.1, 4.1, 5.1, 5.8 ]
 * // step 1 is in the SGD phase: p ← p − lr/(1 − β1)·GC(m)
 * ```
 */
export function RAdam(options: RAdamOptions = {}): Optimizer<RAdamHyper> {
  const h = parseRAdam('RAdam', options);
  return recipeOptimizer(
    'RAdam',
    h,
    [...radamRecipe(h, 5, 'inclusive'), scaleByLearningRate(), applyUpdate()],
    options,
  );
}

/**
 * `PlainRAdam` (docs/ALGORITHMS.md §3.5): as RAdam but the step multiplies by `lr` twice — the effective
 * learning rate is lr² (docs/ALGORITHMS.md §5.10), kept as the reference computes it.
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { PlainRAdam } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = PlainRAdam({ lr: 0.1, useGc: true });
 * const state = opt.init([w]);
 * opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.98, 2.01, 3.01, 4.01, 5.01, 5.98 ]
 * // lr enters twice: a step of lr² = 0.01 times the RAdam direction
 * ```
 */
export function PlainRAdam(options: RAdamOptions = {}): Optimizer<RAdamHyper> {
  const h = parseRAdam('PlainRAdam', options);
  return recipeOptimizer(
    'PlainRAdam',
    h,
    [...radamRecipe(h, 5, 'inclusive'), scaleByLearningRate(), scaleByLearningRate(), applyUpdate()],
    options,
  );
}
