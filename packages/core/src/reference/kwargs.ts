import { Lookahead } from '../optimizers/advanced/lookahead.js';
import type { Optimizer, OptimizerOptions } from '../optimizers/types.js';
import { findReferenceOptimizer, type Family } from './registry.js';

/** Python keyword → gcopt option, where the plain snake_case → camelCase rule does not give it. */
const SPECIAL_NAMES: Record<string, string> = { N_sma_threshhold: 'nSmaThreshold' };

/** `weight_decay` → `weightDecay`, `N_sma_threshhold` → `nSmaThreshold`, … */
export function camelCaseOption(pythonName: string): string {
  return SPECIAL_NAMES[pythonName] ?? pythonName.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

/** The reference's keyword arguments with gcopt's camelCase names (`weight_decay` → `weightDecay`). */
export function camelCaseOptions(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camelCaseOption(k), v]));
}

/**
 * Builds the gcopt optimizer that corresponds to `Class(params, **kwargs)` in the reference code,
 * kwargs as recorded in gc-golden/1 files (Lookahead: `{inner, inner_kwargs, k, alpha}`).
 */
export function fromReferenceKwargs(
  name: string,
  family: Family,
  kwargs: Record<string, unknown>,
  extra: OptimizerOptions = {},
): Optimizer {
  if (name === 'Lookahead') {
    const {
      inner,
      inner_kwargs: innerKwargs = {},
      ...rest
    } = kwargs as {
      inner: string;
      inner_kwargs?: Record<string, unknown>;
    } & Record<string, unknown>;
    const innerOptimizer = findReferenceOptimizer(inner, 'advanced').create({
      ...camelCaseOptions(innerKwargs),
      ...extra,
    });
    return Lookahead(innerOptimizer, { ...camelCaseOptions(rest), ...extra });
  }
  return findReferenceOptimizer(name, family).create({ ...camelCaseOptions(kwargs), ...extra });
}
