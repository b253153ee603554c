import { applyUpdate, scaleByLearningRate } from '../../transforms/applyUpdate.js';
import { rangerLookahead } from '../../transforms/lookahead.js';
import { GC_FLAG_NAMES, parseGcFlags, parseGcLoc, type GcFlags, type GcLocation } from '../options/gcFlags.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { LearningRate, Optimizer, OptimizerOptions } from '../types.js';
import { Checker, plainText, rejectUnknownOptions } from '../validation.js';
import { radamRecipe } from './radam.js';

/** Resolved hyper-parameters of `Ranger`. */
export interface RangerHyper extends GcFlags, GcLocation {
  /** Default 1e-3; must be > 0. */
  lr: LearningRate;
  /** Default 0.5: the slow-weights step, in [0, 1]. */
  alpha: number;
  /** Default 6: sync every k steps of a tensor (k, 2k, …). */
  k: number;
  /**
   * Default 5: rectify when N_sma > nSmaThreshold (strict). The reference's `N_sma_threshhold`.
   * Values below 4 are rejected: the reference then takes the square root of a negative number
   * ("math domain error") as soon as threshold < N_sma < 4.
   */
  nSmaThreshold: number;
  /** Default [0.95, 0.999]; not validated (as in the reference). */
  betas: [number, number];
  /** Default 1e-5; must be > 0. */
  eps: number;
  /** Default 0; not validated. */
  weightDecay: number;
}

/** Options of `Ranger`; unset ones take the reference's defaults. */
export type RangerOptions = Partial<RangerHyper> & OptimizerOptions;
const NAMES = ['lr', 'alpha', 'k', 'nSmaThreshold', 'betas', 'eps', 'weightDecay', ...GC_FLAG_NAMES, 'gcLoc'];

/**
 * `Ranger` (docs/ALGORITHMS.md §3.7): RAdam (always degenerating to SGD below the threshold) plus its own
 * lookahead: slow weights start as the initial weights and sync after steps k, 2k, … of each tensor.
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Ranger } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Ranger({ lr: 0.1, useGc: true, k: 2 });
 * const state = opt.init([w]);
 * for (let t = 0; t < 2; t++) opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.8, 2.1, 3.1, 4.1, 5.1, 5.8 ]
 * // after step 2 the weights are pulled halfway back to the initial ones
 * ```
 */
export function Ranger(options: RangerOptions = {}): Optimizer<RangerHyper> {
  rejectUnknownOptions('Ranger', options, NAMES);
  const c = new Checker('Ranger');
  const alpha = c.check(
    'alpha',
    options.alpha ?? 0.5,
    (v) => v >= 0 && v <= 1,
    (v) => `Invalid slow update rate: ${v}`,
  );
  const kValue = options.k ?? 6;
  if (!Number.isInteger(kValue) || kValue < 1) c.fail('k', kValue, `Invalid lookahead steps: ${plainText(kValue)}`);
  const lr = c.learningRate(
    options.lr ?? 1e-3,
    (v) => v > 0,
    (v) => `Invalid Learning Rate: ${v}`,
  );
  const eps = c.check(
    'eps',
    options.eps ?? 1e-5,
    (v) => v > 0,
    (v) => `Invalid eps: ${v}`,
  );
  const nSmaThreshold = c.check(
    'nSmaThreshold',
    options.nSmaThreshold ?? 5,
    (v) => v >= 4,
    (v) =>
      `N_sma_threshhold ${v} < 4 makes the reference take sqrt of a negative number (ValueError: math domain error) ` +
      `once N_sma passes it`,
  );
  const betas = c.betas(options.betas ?? [0.95, 0.999], false);
  const weightDecay = c.number('weightDecay', options.weightDecay ?? 0, () => 'weightDecay must be a number');
  const h: RangerHyper = {
    lr,
    alpha,
    k: kValue,
    nSmaThreshold,
    betas,
    eps,
    weightDecay,
    ...parseGcFlags('Ranger', options),
    ...parseGcLoc('Ranger', options, false),
  };
  return recipeOptimizer(
    'Ranger',
    h,
    [
      ...radamRecipe({ ...h, degeneratedToSgd: true }, nSmaThreshold, 'exclusive'),
      scaleByLearningRate(),
      applyUpdate(),
      rangerLookahead(kValue, alpha),
    ],
    options,
  );
}
