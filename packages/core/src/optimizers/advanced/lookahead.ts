import { InvalidArgumentError } from '../../errors.js';
import { lookaheadSync } from '../../transforms/lookahead.js';
import { recipeOptimizer } from '../recipeOptimizer.js';
import type { LearningRate, Optimizer, OptimizerOptions } from '../types.js';

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
 * nothing; gcopt requires an integer k ≥ 1 and a finite alpha.
 */
export function Lookahead<H extends { lr: LearningRate }>(
  inner: Optimizer<H>,
  options: LookaheadOptions = {},
): Optimizer<H & { k: number; alpha: number }> {
  const k = options.k ?? 5;
  const alpha = options.alpha ?? 0.5;
  const name = `Lookahead(${inner.name})`;
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', k, 'k must be an integer ≥ 1', name);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new InvalidArgumentError('alpha', alpha, 'alpha must be a finite number', name);
  return recipeOptimizer(name, { ...inner.hyper, k, alpha }, [...inner.recipe, lookaheadSync(k, alpha)], options);
}
