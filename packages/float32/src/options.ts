import type { Family, WarningHandler } from '@gcopt/core';
import type { Float32Backend } from './fastBackend.js';
import type { Float32Param } from './model.js';

/** Which parameters a group takes: their names, a pattern on the name, or a predicate. */
export type GroupSelector = readonly string[] | RegExp | ((param: Float32Param) => boolean);

/**
 * A parameter group (PyTorch's param groups): its parameters get their own optimizer, made with the
 * base options overridden by these. `gc` and `outAxis` set those per-parameter options for members
 * that do not set them themselves.
 */
export type ParamGroup<O extends object = Record<string, unknown>> = {
  readonly params: GroupSelector;
  readonly gc?: boolean;
  readonly outAxis?: number;
} & Partial<Omit<O, 'onWarning'>>;

/** What a non-finite (NaN/±Inf) gradient does: throw (default) or skip the whole step and report it. */
export type NonFinitePolicy = 'throw' | 'skip';

/** The options `createOptimizer` reads itself (the rest are the core optimizer's hyper-parameters). */
export interface Float32Settings<O extends object = Record<string, unknown>> {
  /** For `AdamW`, which release: 'advanced' (default) or 'first_release'. */
  readonly family?: Family;
  /** Parameter groups; a parameter matched by none is in group 0 (the base options). */
  readonly groups?: readonly ParamGroup<O>[];
  readonly nonFinite?: NonFinitePolicy;
  /** Wrap every group's optimizer in `Lookahead(…, {k, alpha})` (the advanced release's wrapper). */
  readonly lookahead?: { readonly k?: number; readonly alpha?: number };
  readonly onWarning?: WarningHandler;
  /**
   * What steps the groups, chosen once at creation: 'auto' (default: each group on the fused
   * WebAssembly SIMD kernels of @gcopt/core/fast, one thread, within the fast path's bound of the
   * core — a group the fast path does not fuse, or a runtime without WebAssembly SIMD, runs on the
   * core), 'core' (the core's recipe, bit for bit) or 'fast' (every group on the fast path, else an
   * error). `backend` on the optimizer says what runs each group and why.
   */
  readonly backend?: Float32Backend;
}

/** A core optimizer's options plus the float32 settings. */
export type Float32OptimizerOptions<O extends object = Record<string, unknown>> = O & Float32Settings<O>;

/** Option keys this package reads itself; everything else goes to the core optimizer. */
export const SETTING_KEYS = ['family', 'groups', 'nonFinite', 'lookahead', 'onWarning', 'backend'] as const;
/** Group keys that are per-parameter settings rather than hyper-parameters. */
export const GROUP_PARAM_KEYS = ['params', 'gc', 'outAxis'] as const;
