import type { GcRule } from '../centralize/gcRule.js';
import { InvalidArgumentError } from '../errors.js';
import { compilePlan, type PlanCompilation } from '../plan/compilePlan.js';
import { planSlots, type FusedPlan } from '../plan/fusedPlan.js';
import type { Optimizer } from '../optimizers/types.js';
import type { Transform } from '../transforms/transform.js';

/**
 * What the WGSL update shader needs from an optimizer, and nothing else: the per-element code, the
 * state slots, and the scalars each step writes into the step uniform. It is made from the fused
 * plan that `compilePlan` reads off the optimizer's recipe (the recipe stays the one definition;
 * nothing here reads an optimizer's name).
 *
 * The element code is written against the shader's bindings (see wgslShader.ts): `g`, `p`, the
 * state slots `s0`, `s1`, `s2` (in `slots` order), the step uniform `S` (`S.one` is always 1, see
 * there). It defines three functions of a flat index `a`:
 * - `source(a) -> f32`: the value GC centres (docs/ALGORITHMS.md §1), reading only; it leaves the
 *   old parameter in `loadedP`;
 * - `sourceAndStore(a) -> f32`: the same, also writing the state that does not depend on the mean
 *   (Adam with GC on the update writes its moments here);
 * - `apply(a, c, pOld)`: everything else, given the centred value `c`.
 */
export interface WgslRule {
  readonly optimizer: string;
  /** Which tensors the one centring of the plan (of the gradient, or of Adam's update) applies to. */
  readonly rule: GcRule;
  /** State slots in binding order, with the value a fresh state holds. */
  readonly slots: readonly { readonly name: string; readonly initial: number }[];
  /** The coupled L2 factor (`g + l2·p`, 0 for none), as a double: the shader carries it as float-float. */
  readonly l2: number;
  /** Names of the f32 fields of the step uniform after `one`, `t`, `l2` and `l2Low`. */
  readonly stepFields: readonly string[];
  /** Their values for step `t` (1-based) at learning rate `lr`, in `stepFields` order. */
  stepValues(t: number, lr: number): number[];
  /** WGSL defining `source`, `sourceAndStore` and `apply`. */
  readonly elementCode: string;
  /**
   * Bytes one parameter moves per step in the fused pass (row cached in registers), by which
   * buffers the element code reads and writes: 4 per f32 read or written.
   */
  readonly bytesPerParam: number;
  /** Bytes per parameter `source` reads: what a row too long for one workgroup reads once more. */
  readonly sourceBytes: number;
}

/**
 * The plan the WGSL kernels run for a recipe: `compilePlan`'s, except an Adam plan that centres both
 * the gradient and the update (no reference optimizer does; a tensor's row is reduced once per pass).
 */
export function wgslPlan(recipe: readonly Transform[]): PlanCompilation {
  const compiled = compilePlan(recipe);
  const plan = compiled.plan;
  if (plan?.family === 'adam' && plan.gradientRule !== 'none' && plan.updateRule !== 'none') {
    const second = recipe.filter((tr) => tr.descriptor?.kind === 'centralize')[1];
    return {
      plan: null,
      transform: second.name,
      reason: `${second.name}: the WGSL kernels centre the gradient or the update, not both`,
    };
  }
  return compiled;
}

/** The WGSL rule of a core optimizer, or a clear error naming the transform the WGSL kernels cannot run. */
export function wgslRuleOf(optimizer: Pick<Optimizer, 'name' | 'recipe'>): WgslRule {
  const { plan, reason } = wgslPlan(optimizer.recipe);
  if (!plan) throw new InvalidArgumentError('optimizer', optimizer.name, `has no fused WGSL kernels: ${reason}`);
  return ruleOfPlan(optimizer.name, plan);
}

/** `g + l2·p` rounded once (see wgslShader.ts `gradientTerm`), the gradient every family starts from. */
const LOAD_GRADIENT = `
  loadedP = p[a];
  return gradientTerm(g[a], loadedP);`;

function ruleOfPlan(optimizer: string, r: FusedPlan): WgslRule {
  const slots = planSlots(r).map((name) => ({ name, initial: r.family === 'adagrad' ? r.initialAccumulatorValue : 0 }));
  if (r.family === 'sgd') {
    const momentum = r.momentum !== 0;
    // d = c (no momentum), buf (heavy ball) or c + μ·buf (Nesterov); the first step's buf is c
    const direction = !momentum ? 'c' : r.nesterov ? 'c + S.momentum * buf' : 'buf';
    return {
      optimizer,
      rule: r.gradientRule,
      slots,
      l2: r.coupledDecay,
      stepFields: ['lr', 'momentum', 'oneMinusDampening', 'first', 'decoupled'],
      stepValues: (t, lr) => [lr, r.momentum, 1 - r.dampening, t === 1 ? 1 : 0, r.decoupledDecay * lr],
      elementCode: `
fn source(a: u32) -> f32 {${LOAD_GRADIENT}
}
fn sourceAndStore(a: u32) -> f32 { return source(a); }
fn apply(a: u32, c: f32, pOld: f32) {
  ${
    momentum
      ? `var buf = c;
  if (S.first == 0.0) { buf = S.momentum * s0[a] + S.oneMinusDampening * c; }
  s0[a] = buf;`
      : ''
  }
  p[a] = pOld - S.lr * (${direction}) - S.decoupled * pOld;
}`,
      // g, p in; p out; the momentum buffer in and out
      bytesPerParam: 12 + (momentum ? 8 : 0),
      sourceBytes: 8,
    };
  }
  if (r.family === 'adagrad') {
    return {
      optimizer,
      rule: r.gradientRule,
      slots,
      l2: r.coupledDecay,
      stepFields: ['clr', 'eps'],
      stepValues: (t, lr) => [(1 / (1 + (t - 1) * r.lrDecay)) * lr, r.eps],
      elementCode: `
fn source(a: u32) -> f32 {${LOAD_GRADIENT}
}
fn sourceAndStore(a: u32) -> f32 { return source(a); }
fn apply(a: u32, c: f32, pOld: f32) {
  let sum = s0[a] + c * c;
  s0[a] = sum;
  p[a] = pOld - S.clr * (c / (sqrt(sum) + S.eps));
}`,
      bytesPerParam: 20,
      sourceBytes: 8,
    };
  }
  const amsgrad = r.amsgrad;
  const biasCorrectedEps = r.epsPlacement === 'bias-corrected-eps';
  const stepValues = (t: number, lr: number) => {
    const bc1 = 1 - r.beta1 ** t;
    const bc2 = 1 - r.beta2 ** t;
    const sqrtBc2 = biasCorrectedEps ? Math.sqrt(bc2) : 1;
    const scale = (biasCorrectedEps ? 1 / bc1 : Math.sqrt(bc2) / bc1) * lr;
    return [r.beta1, 1 - r.beta1, r.beta2, 1 - r.beta2, scale, sqrtBc2, r.eps, r.decayAfterDirection];
  };
  const stepFields = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'scale', 'sqrtBc2', 'eps', 'decay'];
  // new moments of gradient term x; v̂ is the running max under amsgrad
  const moments = (store: boolean) => `
  let m = S.beta1 * s0[a] + S.oneMinusBeta1 * x;
  let v = S.beta2 * s1[a] + S.oneMinusBeta2 * (x * x);
  ${amsgrad ? 'let vhat = max(s2[a], v);' : 'let vhat = v;'}
  ${store ? `s0[a] = m;\n  s1[a] = v;${amsgrad ? '\n  s2[a] = vhat;' : ''}` : ''}`;
  const direction = 'm / (sqrt(vhat) / S.sqrtBc2 + S.eps) + S.decay * loadedP';
  const stateBytes = amsgrad ? 24 : 16;
  if (r.updateRule === 'none') {
    return {
      optimizer,
      rule: r.gradientRule,
      slots,
      l2: r.coupledDecay,
      stepFields,
      stepValues,
      elementCode: `
fn source(a: u32) -> f32 {${LOAD_GRADIENT}
}
fn sourceAndStore(a: u32) -> f32 { return source(a); }
fn apply(a: u32, c: f32, pOld: f32) {
  let x = c;
  loadedP = pOld;${moments(true)}
  p[a] = pOld - S.scale * (${direction});
}`,
      bytesPerParam: 12 + stateBytes,
      sourceBytes: 8,
    };
  }
  return {
    optimizer,
    rule: r.updateRule,
    slots,
    l2: r.coupledDecay,
    stepFields,
    stepValues,
    elementCode: `
fn source(a: u32) -> f32 {
  loadedP = p[a];
  let x = gradientTerm(g[a], loadedP);${moments(false)}
  return ${direction};
}
fn sourceAndStore(a: u32) -> f32 {
  loadedP = p[a];
  let x = gradientTerm(g[a], loadedP);${moments(true)}
  return ${direction};
}
fn apply(a: u32, c: f32, pOld: f32) {
  p[a] = pOld - S.scale * c;
}`,
    bytesPerParam: 12 + stateBytes,
    sourceBytes: 8 + stateBytes / 2,
  };
}
