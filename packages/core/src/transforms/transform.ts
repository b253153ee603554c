import type { FloatArray } from '../tensor/floatArray.js';
import type { Layout } from '../tensor/layout.js';
import type { TransformDescriptor } from './descriptor.js';

/**
 * What one optimizer step sees of one parameter tensor while its recipe runs.
 * The step ends with the parameter updated in place; `u` is the working update direction.
 */
export interface TensorContext {
  /** The parameter's values (contiguous, row-major); transforms that apply the update write here. */
  readonly p: FloatArray;
  /**
   * The working update: a copy of the gradient at the start, in the parameter's dtype. A transform
   * may point it at a state slot (the RAdam-family SGD phase, where the reference's `G` *is* `exp_avg`,
   * so later in-place transforms write into that state — docs/ALGORITHMS.md §5.8).
   */
  u: FloatArray;
  readonly layout: Layout;
  /** False when the caller excluded this parameter from centralization. */
  readonly gcEnabled: boolean;
  /** This tensor's state arrays, by the reference's state_dict names. */
  readonly slots: Record<string, FloatArray>;
  /** This tensor's step count, the current step included (the reference's `state['step']`). */
  readonly t: number;
  /** The optimizer's step count, the current step included (Lookahead's schedule). */
  readonly optimizerStep: number;
  /** Learning rate of this step. */
  readonly lr: number;
  /** The update applied by `applyUpdate` is `p -= scale · u`; transforms multiply factors into it. */
  scale: number;
  /** Float64 scratch of at least `layout.channels` elements (centralization sums). */
  readonly scratch: Float64Array;
}

/**
 * One small pure piece of an optimizer (optax's GradientTransformation, over typed arrays, in
 * place). An optimizer is a recipe: an ordered list of transforms run on every tensor.
 */
export interface Transform {
  /** Verb-named, for debugging and for messages that name a transform (never matched by backends). */
  readonly name: string;
  /**
   * What this transform computes, as typed data (its kind and the numbers it was made with). Every
   * backend other than the core reads only this: fused backends through `compilePlan`, the tfjs
   * tensor backend kind by kind. Every gcopt transform has one; a transform written elsewhere without
   * one (or with kind `'custom'`) runs on the core path only, and the other backends say so.
   */
  readonly descriptor?: TransformDescriptor;
  /** State arrays this transform keeps, created by `init` with their initial contents. */
  initSlots?(p: FloatArray, layout: Layout): Record<string, FloatArray>;
  apply(ctx: TensorContext): void;
  /** Runs for parameters that have no gradient this step (Lookahead syncs every parameter). */
  readonly alsoWithoutGradient?: boolean;
  /** True if this transform centralizes a tensor of this layout (for the fan-in-1 warning). */
  centralizes?(layout: Layout, gcEnabled: boolean): boolean;
}
