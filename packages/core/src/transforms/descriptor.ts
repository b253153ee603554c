import type { GcRule } from '../centralize/gcRule.js';
import type { AdamEpsPlacement } from './scaleByAdam.js';

/**
 * What a transform computes, as typed data: its kind and the numbers it was made with. The core
 * runs `Transform.apply`; every other backend reads only this (the plan compiler, `compilePlan`,
 * and the tfjs tensor backend), so a transform's meaning lives in its factory and its descriptor
 * together, never in its name.
 */
export type TransformDescriptor =
  | AddWeightDecayDescriptor
  | CentralizeDescriptor
  | SgdMomentumDescriptor
  | AdamMomentsDescriptor
  | ScaleByAdamDescriptor
  | ScaleByAdagradDescriptor
  | RectifyDescriptor
  | ScaleByLearningRateDescriptor
  | ApplyUpdateDescriptor
  | ApplyUpdateWithDecoupledDecayDescriptor
  | LookaheadSyncDescriptor
  | RangerLookaheadDescriptor
  | CustomDescriptor;

/** `u ← u + weightDecay·p`. */
export interface AddWeightDecayDescriptor {
  readonly kind: 'addWeightDecay';
  readonly weightDecay: number;
}

/** GC of `u` over each output channel, for ranks `rule` covers. */
export interface CentralizeDescriptor {
  readonly kind: 'centralize';
  readonly rule: GcRule;
}

/** torch.optim.SGD momentum; `momentum` 0 is the identity (no buffer kept). */
export interface SgdMomentumDescriptor {
  readonly kind: 'sgdMomentum';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

/** Adam's moments `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad); leaves `u`. */
export interface AdamMomentsDescriptor {
  readonly kind: 'adamMoments';
  readonly beta1: number;
  readonly beta2: number;
  readonly amsgrad: boolean;
}

/** `u ←` Adam's normalized direction from the moments, bias corrections into `scale`. */
export interface ScaleByAdamDescriptor {
  readonly kind: 'scaleByAdam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly epsPlacement: AdamEpsPlacement;
}

/** Adagrad's accumulator and normalization, lr decay into `scale`. */
export interface ScaleByAdagradDescriptor {
  readonly kind: 'scaleByAdagrad';
  readonly lrDecay: number;
  readonly eps: number;
  readonly initialAccumulatorValue: number;
}

/** RAdam's rectified direction, or its SGD phase where `u` becomes `exp_avg` itself. */
export interface RectifyDescriptor {
  readonly kind: 'rectify';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly threshold: number;
  readonly comparison: 'inclusive' | 'exclusive';
}

/** `scale ← scale·lr`. */
export interface ScaleByLearningRateDescriptor {
  readonly kind: 'scaleByLearningRate';
}

/** `p ← p − scale·u`. */
export interface ApplyUpdateDescriptor {
  readonly kind: 'applyUpdate';
}

/** `p ← p − scale·u − (weightDecay·lr)·p_old` (SGDW). */
export interface ApplyUpdateWithDecoupledDecayDescriptor {
  readonly kind: 'applyUpdateWithDecoupledDecay';
  readonly weightDecay: number;
}

/** The `Lookahead` wrapper's slow weights, synced on the optimizer's step count. */
export interface LookaheadSyncDescriptor {
  readonly kind: 'lookaheadSync';
  readonly k: number;
  readonly alpha: number;
}

/** Ranger's built-in slow weights, synced on the tensor's step count. */
export interface RangerLookaheadDescriptor {
  readonly kind: 'rangerLookahead';
  readonly k: number;
  readonly alpha: number;
}

/**
 * A transform written outside gcopt's catalogue: only the core can run it (`Transform.apply`);
 * every other backend runs such a recipe on the core path and says so.
 */
export interface CustomDescriptor {
  readonly kind: 'custom';
  /** What it does, for the warning that names it. */
  readonly label: string;
}

export type DescriptorKind = TransformDescriptor['kind'];
