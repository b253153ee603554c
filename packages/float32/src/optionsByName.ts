import type {
  AdagradOptions,
  AdamOptions,
  AdvancedAdamOptions,
  AdvancedSgdOptions,
  RAdamOptions,
  RangerOptions,
  SgdOptions,
} from '@gcopt/core';

/**
 * The core's option type of each optimizer, by reference name: `createOptimizer('Adam_GC2', options, model)`
 * checks `options` against it when the name is a literal. `AdamW` is the advanced release's unless
 * `family: 'first_release'` is given (then `weightDecay` defaults to 0 and the GC flags do not apply).
 */
export interface OptionsByName {
  SGD_GC: SgdOptions;
  SGD_GCC: SgdOptions;
  SGDW: SgdOptions;
  SGDW_GC: SgdOptions;
  SGDW_GCC: SgdOptions;
  Adam_GC: AdamOptions;
  Adam_GCC: AdamOptions;
  Adam_GC2: AdamOptions;
  Adam_GCC2: AdamOptions;
  AdamW_GC: AdamOptions;
  AdamW_GCC: AdamOptions;
  AdamW_GC2: AdamOptions;
  AdamW_GCC2: AdamOptions;
  Adagrad_GC: AdagradOptions;
  Adagrad_GCC: AdagradOptions;
  SGD: AdvancedSgdOptions;
  Adam: AdvancedAdamOptions;
  AdamW: AdvancedAdamOptions;
  RAdam: RAdamOptions;
  PlainRAdam: RAdamOptions;
  Ranger: RangerOptions;
}

/** The options `createOptimizer` accepts for `name`: typed for a known literal name, open for any string. */
export type OptionsFor<N extends string> = N extends keyof OptionsByName ? OptionsByName[N] : Record<string, unknown>;
