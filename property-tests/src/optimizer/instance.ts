import type { DType, FloatArray, GcRule } from '@gcopt/core';
import type { TensorSpec } from '../tensor.js';

/** A parameter tensor handed to an optimizer under test. Its `data` is the initial value; copy it. */
export interface ParamSpec extends TensorSpec {
  readonly name: string;
  /** false: the caller excludes this tensor from centralization (the core's `Param.gc`). */
  readonly gc?: boolean;
}

/**
 * One optimizer instance over a fixed list of parameters, as the properties drive it. Any backend fits:
 * a pure functional core, an in-place Float32Array model, a tfjs optimizer over variables, a GPU kernel.
 */
export interface OptimizerInstance {
  /**
   * One step with these gradients (row-major, the parameters' dtype, one per parameter). `lr`, when
   * given, overrides the learning rate for this step. Must not modify the gradient arrays. A null
   * gradient (only drawn where `nullGradients` is declared) means the parameter has none this step.
   */
  step(grads: readonly (FloatArray | null)[], options?: { lr?: number }): void | Promise<void>;
  /** Copies of the current parameter values, in order. */
  params(): readonly FloatArray[] | Promise<readonly FloatArray[]>;
  /** Optional: a description of the state per parameter (e.g. `{exp_avg: 'float32[12]'}`), to check it is stable. */
  stateShapes?(): unknown | Promise<unknown>;
  /** Optional: frees resources (GPU buffers, tensors). */
  dispose?(): void;
}

/** Makes a fresh instance for `params` with these hyper-parameters. */
export type OptimizerFactory<H> = (
  params: readonly ParamSpec[],
  hyper: H,
) => OptimizerInstance | Promise<OptimizerInstance>;

/** What is known about a step, to bound the update for the mean tolerances (see `tolerance.ts`). */
export interface UpdateBoundContext {
  /** This parameter's step number (1-based). */
  readonly t: number;
  /** max |g_t| of this parameter. */
  readonly gradMax: number;
  /** max over steps 1..t of max |g_s|. */
  readonly gradMaxSoFar: number;
  /** max |p_{t−1}| (the weights before this step). */
  readonly paramMax: number;
  /** max over steps 0..t−1 of max |p_s|. */
  readonly paramMaxSoFar: number;
  /** max |p_t − p_{t−1}|: the observed step. */
  readonly observedStep: number;
}

/**
 * What an optimizer promises about the per-output-channel means of its weights, for one setting of its
 * hyper-parameters (derive it from the algorithm; `catalog.ts` states them for the 23 reference optimizers).
 */
export interface MeanClaims {
  /**
   * The tensors whose channel means follow `mean_t = meanFactor^t · mean_0`: those the rule centralizes
   * (`'gc'`: rank ≥ 2, `'gcc'`: rank ≥ 4), or `'none'` for no claim. Holds when the *whole* update of those
   * tensors is centred (GC on the update, or on a gradient that the rest of the step treats linearly).
   */
  readonly preservesMean: GcRule;
  /** Per-step factor of those means (default 1: preserved). SGDW_GC: `1 − lr·wd` (decoupled decay). */
  readonly meanFactor?: number;
  /**
   * Tensors of fan-in 1 (`[n,1]`, `[1,n]` channels-last, `[n,1,1,1]`) under this rule never move: GC
   * zeroes their gradient and nothing else moves them (`'none'`: no claim).
   */
  readonly fanInOneFrozen: GcRule;
  /**
   * Bound on |scale·u| of the update where it is centralized, in parameter units (the magnitude the
   * centring's rounding scales with). Default: the observed step plus lr·(max|g| + max|p|).
   */
  readonly updateBound?: (ctx: UpdateBoundContext) => number;
}

/** Options shared by the optimizer checks. */
export interface OptimizerSubjectOptions {
  /** Storage dtypes the implementation handles (default both). */
  readonly dtypes?: readonly DType[];
  /** Layouts it handles (default both). */
  readonly outAxes?: readonly (0 | -1)[];
  /** Precision its centring sums accumulate in (default: the storage dtype). */
  readonly accumulation?: DType | 'storage';
  /**
   * What the value property (against the oracle) may draw beyond the defaults above: null gradients,
   * `gc: false` tensors, learning-rate schedules in the hyper-parameters, an output axis in the middle,
   * a tensor above 32,768 elements. Each defaults to false (a user's implementation need not have them).
   */
  readonly valueCases?: ValueCaseSupport;
}

export interface ValueCaseSupport {
  readonly nullGradients?: boolean;
  readonly gcExclusion?: boolean;
  /** `hyper.lr` (Lookahead: `hyper.inner.lr`) may be a function of the step number. */
  readonly schedules?: boolean;
  readonly middleAxis?: boolean;
  /** Cases per property for the large-tensor variant (default: none). */
  readonly largeRuns?: number;
}
