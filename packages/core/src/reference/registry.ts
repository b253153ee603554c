import * as advanced from '../optimizers/advanced/index.js';
import * as firstRelease from '../optimizers/firstRelease/index.js';
import type { Optimizer } from '../optimizers/types.js';
import { InvalidArgumentError } from '../errors.js';

/** Which release of the reference a class comes from (docs/ALGORITHMS.md §2, §3). */
export type Family = 'first_release' | 'advanced';

/** Any gcopt optimizer factory, taking gcopt's camelCase options. */
export type OptimizerFactory = (options: Record<string, unknown>) => Optimizer;

/** One of the reference's optimizer classes and the gcopt factory that reproduces it. */
export interface ReferenceOptimizer {
  /** The reference class name. `AdamW` exists in both families. */
  readonly name: string;
  readonly family: Family;
  readonly create: OptimizerFactory;
}

const entries: ReferenceOptimizer[] = [
  ...Object.entries(firstRelease).map(([name, create]) => ({
    name,
    family: 'first_release' as const,
    create: create as OptimizerFactory,
  })),
  ...Object.entries(advanced)
    .filter(([name]) => name !== 'Lookahead')
    .map(([name, create]) => ({ name, family: 'advanced' as const, create: create as OptimizerFactory })),
];

/** The 22 reference optimizers that take options only (Lookahead wraps another optimizer). */
export const referenceOptimizers: readonly ReferenceOptimizer[] = entries;

/**
 * Finds a reference optimizer by class name. `AdamW` is ambiguous: without `family` it is the
 * advanced one; pass `'first_release'` for the CIFAR100 code's AdamW.
 */
export function findReferenceOptimizer(name: string, family?: Family): ReferenceOptimizer {
  const matches = entries.filter((e) => e.name === name && (family === undefined || e.family === family));
  const found = matches.find((e) => e.family === 'advanced') ?? matches[0];
  if (!found) {
    const known = [...new Set(entries.map((e) => e.name))].join(', ');
    throw new InvalidArgumentError(
      'name',
      name,
      `no such optimizer${family ? ` in the ${family} family` : ''}; known: ${known}, Lookahead`,
    );
  }
  return found;
}

/**
 * Creates an optimizer by its reference name with gcopt's camelCase options, e.g.
 * `createOptimizer('Adam_GC2', { lr: 1e-3 })`. Adapters use this to offer every optimizer by name.
 */
export function createOptimizer(name: string, options: Record<string, unknown> = {}, family?: Family): Optimizer {
  return findReferenceOptimizer(name, family).create(options);
}
