import { InvalidArgumentError } from '../../errors.js';
import { lookaheadSync } from '../../transforms/lookahead.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { LearningRate, Optimizer, OptimizerOptions } from '../types.js';
import { rejectUnknownOptions } from '../validation.js';

/** Options of the `Lookahead` wrapper. */
export interface LookaheadOptions extends OptimizerOptions {
  /** Default 5: sync after optimizer steps 1, k+1, 2k+1, … */
  k?: number;
  /** Default 0.5: `slow ← slow + α·(p − slow)`. */
  alpha?: number;
}

/**
 * `Lookahead(optimizer, k, alpha)` (docs/ALGORITHMS.md §3.6) around any gcopt optimizer: its recipe followed by
 * the lookahead sync. Reference schedule kept: the first sync, after step 1, takes the slow weights
 * from the weights after that step; later syncs follow every k steps. The reference validates
 * nothing; gcopt requires an inner gcopt optimizer, an integer k ≥ 1 and a finite alpha, and
 * refuses unknown option names like every other constructor.
 *
 * @example
 * ```ts
 * import ndarray from 'ndarray';
 * import { Lookahead, SGD } from '@gcopt/core';
 *
 * const w = { value: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]) }; // 2 output channels (rows)
 * const g = new Float64Array([3, 0, 0, 0, 0, 3]);
 * const opt = Lookahead(SGD({ lr: 0.1, useGc: true }), { k: 2, alpha: 0.5 });
 * const state = opt.init([w]);
 * for (let t = 0; t < 3; t++) opt.stepInPlace([w], [g], state);
 * const p = Array.from(w.value.data, (v) => +v.toFixed(4));
 * console.log(p); // prints: [ 0.6, 2.2, 3.2, 4.2, 5.2, 5.6 ]
 * // syncs after steps 1 and 3
 * ```
 */
export function Lookahead<H extends { lr: LearningRate }>(
  inner: Optimizer<H>,
  options: LookaheadOptions = {},
): Optimizer<H & { k: number; alpha: number }> {
  if (!inner || typeof inner !== 'object' || typeof inner.name !== 'string' || !Array.isArray(inner.recipe)) {
    const expected = 'Lookahead wraps a gcopt optimizer, e.g. Lookahead(SGD({ lr: 0.1 }))';
    throw new InvalidArgumentError('optimizer', inner, expected, 'Lookahead');
  }
  const name = `Lookahead(${inner.name})`;
  rejectUnknownOptions(name, options, ['k', 'alpha']);
  const k = options.k ?? 5;
  const alpha = options.alpha ?? 0.5;
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', k, 'k must be an integer ≥ 1', name);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha))
    throw new InvalidArgumentError('alpha', alpha, 'alpha must be a finite number', name);
  return recipeOptimizer(name, { ...inner.hyper, k, alpha }, [...inner.recipe, lookaheadSync(k, alpha)], options);
}
