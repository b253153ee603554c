import type { NdArray } from 'ndarray';
import type { FloatArray } from '../tensor/floatArray.js';
import type { Transform } from '../transforms/transform.js';
import type { WarningHandler } from '../warnings.js';

/**
 * A parameter tensor: an ndarray view (Float32Array or Float64Array) plus where its output channels
 * are. `outAxis` 0 is PyTorch / ONNX-Conv layout; tfjs kernels use the last axis (-1).
 */
export interface Param {
  readonly value: NdArray<FloatArray>;
  /** Output-channel axis; negative counts from the end. Default 0. */
  readonly outAxis?: number;
  /** Set false to exclude this tensor from centralization (embeddings, depthwise kernels…). */
  readonly gc?: boolean;
  /** Used in error messages and warnings. */
  readonly name?: string;
}

/** A gradient: an ndarray of the parameter's shape, or its elements flat in row-major order. */
export type Grad = NdArray<FloatArray> | FloatArray;

/** A learning rate, fixed or as a schedule of the step number (1 for the first step). */
export type LearningRate = number | ((step: number) => number);

/** Per-tensor state: step count and state arrays named as in the reference's `state_dict`. */
export interface TensorState {
  readonly shape: readonly number[];
  readonly outAxis: number;
  /** Completed steps of this tensor (the reference's `state['step']`). */
  step: number;
  readonly slots: Record<string, FloatArray>;
}

/**
 * An optimizer's whole state: plain data, cloned by the pure `step`, mutated by `stepInPlace`.
 */
export interface OptimizerState {
  /** Name of the optimizer that made it (`state` of another optimizer is refused). */
  readonly optimizer: string;
  /** Completed optimizer steps. */
  count: number;
  readonly tensors: TensorState[];
}

/** Options of one `step` / `stepInPlace` call. */
export interface StepOptions {
  /** Learning rate of this step, overriding the optimizer's (schedule) value. */
  lr?: number;
  /** Reject NaN/±Inf gradients before anything changes (default true). */
  checkFinite?: boolean;
}

/** What the pure `step` returns: new parameters and a new state (its inputs are left untouched). */
export interface StepResult {
  readonly params: Param[];
  readonly state: OptimizerState;
}

/** Options every optimizer factory accepts besides its hyper-parameters. */
export interface OptimizerOptions {
  /** Receives warnings (fan-in-1 tensors zeroed by GC) instead of the global handler. */
  onWarning?: WarningHandler;
}

/**
 * A stateless update rule: `init(params) → state`, `step(params, grads, state) → {params, state}`.
 * `step` never mutates its inputs; `stepInPlace` updates the parameters' memory and `state` and is
 * bit-for-bit the same computation.
 */
export interface Optimizer<H extends object = Record<string, unknown>> {
  /** The reference class name, e.g. `SGD_GC`, `Adam` (advanced), `Lookahead(SGD)`. */
  readonly name: string;
  /** Resolved hyper-parameters (defaults filled in). */
  readonly hyper: Readonly<H> & { readonly lr: LearningRate };
  /** The transforms run on every tensor, in order. */
  readonly recipe: readonly Transform[];
  init(params: readonly Param[]): OptimizerState;
  step(
    params: readonly Param[],
    grads: readonly (Grad | null)[],
    state: OptimizerState,
    options?: StepOptions,
  ): StepResult;
  stepInPlace(
    params: readonly Param[],
    grads: readonly (Grad | null)[],
    state: OptimizerState,
    options?: StepOptions,
  ): void;
}
