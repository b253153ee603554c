import { ruleFromFlags, type GcRule } from '../centralize/gcRule.js';
import { InvalidArgumentError } from '../errors.js';
import type { Optimizer } from '../optimizers/types.js';
import type { AdamEpsPlacement } from '../transforms/scaleByAdam.js';

/**
 * What the fused kernels compute for one optimizer: the optimizer's recipe (its list of core
 * transforms) read as one formula per family, with the optimizer's own resolved hyper-parameters.
 * `fusedRecipeOf` is the only place that knows which core recipe maps to which fused step.
 *
 * - `sgd`: `a = g + l2·p`; GC(a) by `rule`; torch momentum/Nesterov; `p ← p − lr·d − (decoupled·lr)·p`
 *   (recipes [addWeightDecay, centralizeUpdate, sgdMomentum, scaleByLearningRate, applyUpdate] and
 *   SGDW's [centralizeUpdate, sgdMomentum, scaleByLearningRate, applyUpdateWithDecoupledDecay]).
 * - `adam`: `a = g + l2·p`, GC(a) when `gcOn: 'gradient'`; moments (amsgrad max);
 *   `w = m/(sqrt(v̂)/sqrtBc2 + eps) + decayAfterDirection·p`, GC(w) when `gcOn: 'update'`; `p ← p − s·w`
 *   (recipes [addWeightDecay?, centralizeUpdate, adamMoments, scaleByAdam, addWeightDecay?, centralizeUpdate,
 *   scaleByLearningRate, applyUpdate] of Adam_*, AdamW_* (first release) and the advanced Adam/AdamW).
 * - `adagrad`: `a = GC(g + l2·p)`, `sum += a²`, `p ← p − clr·a/(sqrt(sum) + eps)`.
 */
export type FusedRecipe = SgdRecipe | AdamRecipe | AdagradRecipe;

/** The fused SGD-family step (SGD_GC/GCC, SGDW*, advanced SGD) with its resolved hyper-parameters. */
export interface SgdRecipe {
  readonly family: 'sgd';
  readonly rule: GcRule;
  readonly l2: number;
  readonly decoupledDecay: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

/** The fused Adam-family step (Adam_*, AdamW*, advanced Adam/AdamW) with its resolved hyper-parameters. */
export interface AdamRecipe {
  readonly family: 'adam';
  readonly rule: GcRule;
  readonly gcOn: 'gradient' | 'update';
  readonly l2: number;
  readonly decayAfterDirection: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly epsPlacement: AdamEpsPlacement;
}

/** The fused Adagrad step (Adagrad_GC/GCC) with its resolved hyper-parameters. */
export interface AdagradRecipe {
  readonly family: 'adagrad';
  readonly rule: GcRule;
  readonly l2: number;
  readonly lrDecay: number;
  readonly eps: number;
  readonly initialAccumulatorValue: number;
}

/** The state slots each family keeps, by the core's (PyTorch state_dict) names. */
export function slotNamesOf(recipe: FusedRecipe): string[] {
  if (recipe.family === 'sgd') return recipe.momentum !== 0 ? ['momentum_buffer'] : [];
  if (recipe.family === 'adagrad') return ['sum'];
  return recipe.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
}

const FIRST_RELEASE_RULE: Record<string, GcRule> = { GC: 'gc', GCC: 'gcc', GC2: 'gc', GCC2: 'gcc' };

/**
 * The fused form of a core optimizer, or a clear error for the ones that have none yet
 * (RAdam, PlainRAdam, Ranger, Lookahead: their rectification / slow weights are not kernels yet).
 */
export function fusedRecipeOf(optimizer: Optimizer): FusedRecipe {
  const name = optimizer.name;
  const h = optimizer.hyper as unknown as Record<string, unknown>;
  const num = (k: string) => h[k] as number;
  const advanced = 'useGc' in h;
  const advancedRule = () => ruleFromFlags(h.useGc as boolean, h.gcConvOnly as boolean);
  const sgd = (rule: GcRule, coupled: boolean): SgdRecipe => ({
    family: 'sgd',
    rule,
    l2: coupled ? num('weightDecay') : 0,
    decoupledDecay: coupled ? 0 : num('weightDecay'),
    momentum: num('momentum'),
    dampening: num('dampening'),
    nesterov: h.nesterov as boolean,
  });
  const adam = (rule: GcRule, gcOn: 'gradient' | 'update', decay: 'l2' | 'after-direction', epsPlacement: AdamEpsPlacement): AdamRecipe => {
    const [beta1, beta2] = h.betas as [number, number];
    return {
      family: 'adam',
      rule,
      gcOn,
      l2: decay === 'l2' ? num('weightDecay') : 0,
      decayAfterDirection: decay === 'after-direction' ? num('weightDecay') : 0,
      beta1,
      beta2,
      eps: num('eps'),
      amsgrad: h.amsgrad as boolean,
      epsPlacement,
    };
  };
  let m: RegExpMatchArray | null;
  if (name === 'SGD' && advanced) return sgd(advancedRule(), true);
  if ((m = name.match(/^SGD_(GCC?)$/))) return sgd(FIRST_RELEASE_RULE[m[1]], true);
  if ((m = name.match(/^SGDW(?:_(GCC?))?$/))) return sgd(m[1] ? FIRST_RELEASE_RULE[m[1]] : 'none', false);
  if ((m = name.match(/^Adam_(GCC?2?)$/))) {
    return adam(FIRST_RELEASE_RULE[m[1]], m[1].endsWith('2') ? 'update' : 'gradient', 'l2', 'bias-corrected-eps');
  }
  if (name === 'Adam' && advanced) return adam(advancedRule(), h.gcLoc ? 'gradient' : 'update', 'l2', 'bias-corrected-eps');
  if (name === 'AdamW' && advanced) return adam(advancedRule(), h.gcLoc ? 'gradient' : 'update', 'after-direction', 'bias-corrected-eps');
  if (name === 'AdamW') return adam('none', 'gradient', 'after-direction', 'raw-eps');
  if ((m = name.match(/^AdamW_(GCC?2?)$/))) {
    return adam(FIRST_RELEASE_RULE[m[1]], m[1].endsWith('2') ? 'update' : 'gradient', 'after-direction', 'raw-eps');
  }
  if ((m = name.match(/^Adagrad_(GCC?)$/))) {
    return {
      family: 'adagrad',
      rule: FIRST_RELEASE_RULE[m[1]],
      l2: num('weightDecay'),
      lrDecay: num('lrDecay'),
      eps: num('eps'),
      initialAccumulatorValue: num('initialAccumulatorValue'),
    };
  }
  throw new InvalidArgumentError(
    'optimizer',
    name,
    'has no fused gpu.js kernels yet (supported: the SGD, SGDW, Adam, AdamW and Adagrad families); use the `js` backend',
  );
}
