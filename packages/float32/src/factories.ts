/**
 * Typed factories, one per reference optimizer: `adamGc2(options, model)` is
 * `createOptimizer('Adam_GC2', options, model)` with the core's option type checked.
 */
import type {
  AdagradOptions,
  AdamOptions,
  AdvancedAdamOptions,
  AdvancedSgdOptions,
  RAdamOptions,
  RangerOptions,
  SgdOptions,
} from '@gcopt/core';
import { createOptimizer, type Float32Optimizer } from './float32Optimizer.js';
import type { ModelInput } from './model.js';
import type { Float32OptimizerOptions } from './options.js';

type Factory<O extends object> = (options: Float32OptimizerOptions<O>, model: ModelInput) => Float32Optimizer;

function factory<O extends object>(name: string, family?: 'first_release' | 'advanced'): Factory<O> {
  return (options, model) => createOptimizer(name, (family ? { ...options, family } : options) as Float32OptimizerOptions, model);
}

export const sgdGc = factory<SgdOptions>('SGD_GC');
export const sgdGcc = factory<SgdOptions>('SGD_GCC');
export const sgdw = factory<SgdOptions>('SGDW');
export const sgdwGc = factory<SgdOptions>('SGDW_GC');
export const sgdwGcc = factory<SgdOptions>('SGDW_GCC');
export const adamGc = factory<AdamOptions>('Adam_GC');
export const adamGcc = factory<AdamOptions>('Adam_GCC');
export const adamGc2 = factory<AdamOptions>('Adam_GC2');
export const adamGcc2 = factory<AdamOptions>('Adam_GCC2');
/** The first release's plain AdamW (no GC). */
export const adamwFirstRelease = factory<AdamOptions>('AdamW', 'first_release');
export const adamwGc = factory<AdamOptions>('AdamW_GC');
export const adamwGcc = factory<AdamOptions>('AdamW_GCC');
export const adamwGc2 = factory<AdamOptions>('AdamW_GC2');
export const adamwGcc2 = factory<AdamOptions>('AdamW_GCC2');
export const adagradGc = factory<AdagradOptions>('Adagrad_GC');
export const adagradGcc = factory<AdagradOptions>('Adagrad_GCC');
/** Advanced SGD: `useGc`/`gcConvOnly` switch GC on (off by default, as in the reference). */
export const sgd = factory<AdvancedSgdOptions>('SGD');
export const adam = factory<AdvancedAdamOptions>('Adam');
/** The advanced release's AdamW. */
export const adamw = factory<AdvancedAdamOptions>('AdamW', 'advanced');
export const radam = factory<RAdamOptions>('RAdam');
export const plainRadam = factory<RAdamOptions>('PlainRAdam');
export const ranger = factory<RangerOptions>('Ranger');
