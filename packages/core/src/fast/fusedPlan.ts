import type { GcRule } from '../centralize/gcRule.js';
import type { AdamEpsPlacement } from '../transforms/scaleByAdam.js';
import type { Optimizer } from '../optimizers/types.js';

/**
 * What a fused kernel computes for one optimizer, read off its recipe. The fast path never
 * restates an optimizer: it recognises the *sequence of transforms* (by their verb names, which
 * the recipe exposes for exactly this) and takes the numbers from the optimizer's resolved
 * hyper-parameters. A recipe of any other shape is not covered and runs on the core path.
 */
export type FusedPlan = AdamPlan | SgdPlan | AdagradPlan;

/**
 * `[addWeightDecay] → centralize(gradRule) → adamMoments → scaleByAdam(placement) → [addWeightDecay]
 * → centralize(updateRule) → scaleByLearningRate → applyUpdate`: first-release Adam_GC/GCC/GC2/GCC2
 * (decay before the moments: `coupledDecay`), first-release AdamW/AdamW_GC/GCC/GC2/GCC2 and advanced
 * Adam/AdamW (decay after the direction: `decoupledDecay`).
 */
export interface AdamPlan {
  readonly family: 'adam';
  readonly coupledDecay: number;
  readonly decoupledDecay: number;
  readonly gradRule: GcRule;
  readonly updateRule: GcRule;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly epsPlacement: AdamEpsPlacement;
}

/**
 * `[addWeightDecay] → centralize(rule) → sgdMomentum|noMomentum → scaleByLearningRate →
 * applyUpdate | applyUpdateWithDecoupledDecay`: SGD_GC/GCC, advanced SGD (coupled decay) and
 * SGDW/SGDW_GC/GCC (decoupled decay from the pre-step weights).
 */
export interface SgdPlan {
  readonly family: 'sgd';
  readonly coupledDecay: number;
  readonly decoupledDecay: number;
  readonly rule: GcRule;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

/** `addWeightDecay → centralize(rule) → scaleByAdagrad → scaleByLearningRate → applyUpdate`: Adagrad_GC/GCC. */
export interface AdagradPlan {
  readonly family: 'adagrad';
  readonly coupledDecay: number;
  readonly rule: GcRule;
  readonly eps: number;
  readonly lrDecay: number;
}

const RULE = '(gc|gcc|none)';
const ADAM = new RegExp(
  `^(addWeightDecay,)?centralize\\(${RULE}\\),adamMoments,scaleByAdam\\((bias-corrected-eps|raw-eps)\\),` +
    `(addWeightDecay,)?centralize\\(${RULE}\\),scaleByLearningRate,applyUpdate$`,
);
const SGD = new RegExp(`^(addWeightDecay,)?centralize\\(${RULE}\\),(sgdMomentum|noMomentum),scaleByLearningRate,(applyUpdate|applyUpdateWithDecoupledDecay)$`);
const ADAGRAD = new RegExp(`^addWeightDecay,centralize\\(${RULE}\\),scaleByAdagrad,scaleByLearningRate,applyUpdate$`);

type Hyper = Record<string, unknown>;
const num = (h: Hyper, key: string, fallback = 0): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);

/** The fused plan of `optimizer`, or null when the fast path does not cover its recipe. */
export function fusedPlanOf(optimizer: Pick<Optimizer, 'recipe' | 'hyper'>): FusedPlan | null {
  const signature = optimizer.recipe.map((t) => t.name).join(',');
  const h = optimizer.hyper as unknown as Hyper;
  const wd = num(h, 'weightDecay');
  let m = ADAM.exec(signature);
  if (m) {
    const [beta1, beta2] = h.betas as [number, number];
    if (m[1] && m[4]) return null; // two decay terms: no reference optimizer has this
    return {
      family: 'adam',
      coupledDecay: m[1] ? wd : 0,
      decoupledDecay: m[4] ? wd : 0,
      gradRule: m[2] as GcRule,
      updateRule: m[5] as GcRule,
      beta1,
      beta2,
      eps: num(h, 'eps'),
      amsgrad: h.amsgrad === true,
      epsPlacement: m[3] as AdamEpsPlacement,
    };
  }
  m = SGD.exec(signature);
  if (m) {
    const decoupled = m[4] === 'applyUpdateWithDecoupledDecay';
    if (m[1] && decoupled) return null;
    if (!m[1] && !decoupled && wd !== 0) return null; // a decay the recipe does not apply: not a known shape
    return {
      family: 'sgd',
      coupledDecay: m[1] ? wd : 0,
      decoupledDecay: decoupled ? wd : 0,
      rule: m[2] as GcRule,
      momentum: m[3] === 'sgdMomentum' ? num(h, 'momentum') : 0,
      dampening: num(h, 'dampening'),
      nesterov: h.nesterov === true,
    };
  }
  m = ADAGRAD.exec(signature);
  if (m) return { family: 'adagrad', coupledDecay: wd, rule: m[1] as GcRule, eps: num(h, 'eps'), lrDecay: num(h, 'lrDecay') };
  return null;
}
