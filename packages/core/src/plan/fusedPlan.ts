import type { GcRule } from '../centralize/gcRule.js';
import type { AdamEpsPlacement } from '../transforms/scaleByAdam.js';

/**
 * The fused plan: what every fused backend (fast JS kernels, the WebAssembly kernels, the gpu.js
 * kernels, WGSL kernels) executes for one optimizer, per tensor and per step. It is made only by
 * `compilePlan(recipe)` from the transforms' descriptors (the core's recipe stays the one
 * definition); no backend reads an optimizer's name or its `hyper`. Shape, stable for consumers:
 *
 * - `family: 'sgd'` (SGD_GC/GCC, SGDW*, advanced SGD), per element with `c = g + coupledDecay·p`:
 *   `c ← c − mean(c)` per output channel when `gradientRule` applies;
 *   momentum (`momentum` ≠ 0): step 1 `buf = c`, later `buf = momentum·buf + (1−dampening)·c`,
 *   `d = c + momentum·buf` (nesterov) or `buf`; else `d = c`;
 *   `p ← p − lr·d − (decoupledDecay·lr)·p` (p before the step). State: `momentum_buffer` iff momentum ≠ 0.
 * - `family: 'adam'` (Adam_*, first-release AdamW*, advanced Adam/AdamW), with `c = g + coupledDecay·p`
 *   centred when `gradientRule` applies: `m = β1·m + (1−β1)·c`, `v = β2·v + (1−β2)·c²`,
 *   amsgrad `v̂ = max(v̂, v)` (else v̂ = v); `w = m/(sqrt(v̂)·a + eps) + decayAfterDirection·p`,
 *   centred when `updateRule` applies; `p ← p − s·w`, where with bc_i = 1 − β_i^t:
 *   `'bias-corrected-eps'`: a = 1/sqrt(bc2), s = lr/bc1; `'raw-eps'`: a = 1, s = lr·sqrt(bc2)/bc1.
 *   State: `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq` with amsgrad).
 * - `family: 'adagrad'` (Adagrad_GC/GCC), `c = g + coupledDecay·p` centred when `gradientRule`
 *   applies: `sum += c²`, `p ← p − lr/(1 + (t−1)·lrDecay) · c/(sqrt(sum) + eps)`. State: `sum`,
 *   starting at `initialAccumulatorValue`.
 *
 * A rule "applies" to a tensor as `gcApplies(rank, rule)` says, and never to a tensor excluded from
 * GC. Means are over each output channel and subtracted at float64 (or compensated) precision
 * (docs/ALGORITHMS.md §1). `t` is the tensor's own step count, the current step included.
 */
export type FusedPlan = SgdPlan | AdamPlan | AdagradPlan;

export interface SgdPlan {
  readonly family: 'sgd';
  readonly coupledDecay: number;
  readonly gradientRule: GcRule;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly decoupledDecay: number;
}

export interface AdamPlan {
  readonly family: 'adam';
  readonly coupledDecay: number;
  readonly gradientRule: GcRule;
  readonly beta1: number;
  readonly beta2: number;
  readonly amsgrad: boolean;
  readonly eps: number;
  readonly epsPlacement: AdamEpsPlacement;
  readonly decayAfterDirection: number;
  readonly updateRule: GcRule;
}

export interface AdagradPlan {
  readonly family: 'adagrad';
  readonly coupledDecay: number;
  readonly gradientRule: GcRule;
  readonly lrDecay: number;
  readonly eps: number;
  readonly initialAccumulatorValue: number;
}

/** The state slots a plan keeps, by the core's (PyTorch state_dict) names, in kernel order. */
export function planSlots(plan: FusedPlan): string[] {
  if (plan.family === 'sgd') return plan.momentum !== 0 ? ['momentum_buffer'] : [];
  if (plan.family === 'adagrad') return ['sum'];
  return plan.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
}
