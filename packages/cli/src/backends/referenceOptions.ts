import { camelCaseOptions, type ReplayRun } from '@gcopt/core';

/**
 * A recorded case's reference class and kwargs as an adapter's constructor takes them: the class
 * name, its camelCase options, and for Lookahead (`{inner, inner_kwargs, k, alpha}`) the wrapper's
 * own `{k, alpha}` apart from the inner optimizer's options.
 */
export interface AdapterChoice {
  readonly name: string;
  readonly family: ReplayRun['reference']['family'];
  readonly options: Record<string, unknown>;
  readonly lookahead?: { k?: number; alpha?: number };
}

export function adapterChoice(reference: ReplayRun['reference']): AdapterChoice {
  const { name, family, kwargs } = reference;
  if (name !== 'Lookahead') return { name, family, options: camelCaseOptions(kwargs) };
  type LookaheadKwargs = { inner: string; inner_kwargs?: Record<string, unknown> };
  const { inner, inner_kwargs: innerKwargs = {}, ...rest } = kwargs as LookaheadKwargs;
  return { name: inner, family: 'advanced', options: camelCaseOptions(innerKwargs), lookahead: camelCaseOptions(rest) };
}
