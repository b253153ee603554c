/**
 * The oracle: every reference optimizer (docs/ALGORITHMS.md §2–§3) written again, formula by formula,
 * over interval tensors (`interval.ts`) in float64. It imports nothing from the implementations it
 * judges: its own layout and GC rule (`layout.ts`), its own arithmetic. Quirks the reference has and
 * gcopt keeps are modelled (§5.8 the RAdam-family SGD-phase alias, §5.10 PlainRAdam's lr², §5.15 the
 * Lookahead schedule); float64 RAdam-family parameters compute in float64 as gcopt documents (§3.4).
 */
import {
  add,
  addScaled,
  centre,
  div,
  exact,
  filled,
  max,
  plus,
  scale,
  sqrt,
  square,
  sub,
  zeros,
  type Interval,
  type Precision,
} from './interval.js';
import { centres, channelLayout, ruleOfFlags, type ChannelLayout, type GcRule } from './layout.js';

type Hyper = Record<string, any>;

export interface OracleParam {
  readonly shape: readonly number[];
  readonly outAxis: number;
  /** false: never centred (docs/ALGORITHMS.md §1: a caller's per-tensor exclusion). */
  readonly gc?: boolean;
  readonly data: ArrayLike<number>;
}

/** One parameter's running values and state, as ranges. */
interface TensorRun {
  readonly layout: ChannelLayout;
  readonly gc: boolean;
  p: Interval;
  /** Steps this tensor took (steps without a gradient do not count, §1). */
  t: number;
  readonly slots: Record<string, Interval>;
}

/** What one step needs beyond the tensor: the learning rate and the optimizer's step count. */
interface StepEnv {
  readonly lr: number;
  readonly optimizerStep: number;
  readonly prec: Precision;
}

type Rule = (s: TensorRun, g: Interval, env: StepEnv) => void;

const gcOf = (s: TensorRun, rule: GcRule, x: Interval, prec: Precision) =>
  s.gc && centres(s.layout.rank, rule) ? centre(x, s.layout, prec) : x;

/** torch.optim.SGD's momentum (§2.1): buf = d on the first step, then μ·buf + (1−dampening)·d. */
function momentum(s: TensorRun, d: Interval, h: Hyper, prec: Precision): Interval {
  if (h.momentum === 0) return d;
  const buf = s.t === 1 ? d : addScaled(scale(s.slots.momentum_buffer, h.momentum, prec), d, 1 - h.dampening, prec);
  s.slots.momentum_buffer = buf;
  return h.nesterov ? addScaled(d, buf, h.momentum, prec) : buf;
}

/** §2.1 SGD_GC/GCC and §3.1 advanced SGD: L2 term, GC, momentum, step. */
const sgdRule =
  (h: Hyper, rule: GcRule): Rule =>
  (s, g, { lr, prec }) => {
    let d = h.weightDecay !== 0 ? addScaled(g, s.p, h.weightDecay, prec) : g;
    d = momentum(s, gcOf(s, rule, d, prec), h, prec);
    s.p = addScaled(s.p, d, -lr, prec);
  };

/** §2.2 SGDW/_GC/_GCC: GC, momentum, step, then the decay from the weights before the step. */
const sgdwRule =
  (h: Hyper, rule: GcRule): Rule =>
  (s, g, { lr, prec }) => {
    const old = s.p;
    const d = momentum(s, gcOf(s, rule, g, prec), h, prec);
    let p = addScaled(old, d, -lr, prec);
    if (h.weightDecay !== 0) p = addScaled(p, old, -(h.weightDecay * lr), prec);
    s.p = p;
  };

/** m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², v_max ← max(v_max, v). */
function moments(s: TensorRun, g: Interval, b1: number, b2: number, amsgrad: boolean, prec: Precision): Interval {
  s.slots.exp_avg = addScaled(scale(s.slots.exp_avg, b1, prec), g, 1 - b1, prec);
  s.slots.exp_avg_sq = addScaled(scale(s.slots.exp_avg_sq, b2, prec), square(g, prec), 1 - b2, prec);
  if (!amsgrad) return s.slots.exp_avg_sq;
  s.slots.max_exp_avg_sq = max(s.slots.max_exp_avg_sq ?? zeros(g.lo.length), s.slots.exp_avg_sq);
  return s.slots.max_exp_avg_sq;
}

/** m / (sqrt(v)/sqrt(bc2) + eps): first-release Adam_* and advanced Adam/AdamW (§2.3, §3.2, §3.3). */
function adamDirection(s: TensorRun, v: Interval, bc2: number, eps: number, prec: Precision): Interval {
  return div(s.slots.exp_avg, plus(scale(sqrt(v, prec), 1 / Math.sqrt(bc2), prec), eps, prec), prec);
}

/** §2.3 Adam_GC/GCC (GC on the gradient) and Adam_GC2/GCC2 (GC on the update). */
const adamRule =
  (h: Hyper, rule: GcRule, where: 'gradient' | 'update'): Rule =>
  (s, g, { lr, prec }) => {
    const [b1, b2] = h.betas;
    const t = s.t;
    let d = h.weightDecay !== 0 ? addScaled(g, s.p, h.weightDecay, prec) : g;
    if (where === 'gradient') d = gcOf(s, rule, d, prec);
    const v = moments(s, d, b1, b2, h.amsgrad, prec);
    const step = lr / (1 - b1 ** t);
    let delta = scale(adamDirection(s, v, 1 - b2 ** t, h.eps, prec), step, prec);
    if (where === 'update') delta = gcOf(s, rule, delta, prec);
    s.p = sub(s.p, delta, prec);
  };

/** §2.4 first-release AdamW/_GC/_GCC/_GC2/_GCC2: eps outside the bias correction, decay × lr·√bc2/bc1. */
const adamWRule =
  (h: Hyper, rule: GcRule, where: 'gradient' | 'update'): Rule =>
  (s, g, { lr, prec }) => {
    const [b1, b2] = h.betas;
    const t = s.t;
    const d = where === 'gradient' ? gcOf(s, rule, g, prec) : g;
    const v = moments(s, d, b1, b2, h.amsgrad, prec);
    const step = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const u = addScaled(div(s.slots.exp_avg, plus(sqrt(v, prec), h.eps, prec), prec), s.p, h.weightDecay, prec);
    let delta = scale(u, step, prec);
    if (where === 'update') delta = gcOf(s, rule, delta, prec);
    s.p = sub(s.p, delta, prec);
  };

/** §2.5 Adagrad_GC/GCC. */
const adagradRule =
  (h: Hyper, rule: GcRule): Rule =>
  (s, g, { lr, prec }) => {
    let d = h.weightDecay !== 0 ? addScaled(g, s.p, h.weightDecay, prec) : g;
    d = gcOf(s, rule, d, prec);
    const clr = lr / (1 + (s.t - 1) * h.lrDecay);
    s.slots.sum = add(s.slots.sum, square(d, prec), prec);
    s.p = addScaled(s.p, div(d, plus(sqrt(s.slots.sum, prec), h.eps, prec), prec), -clr, prec);
  };

/** §3.2 advanced Adam: L2 term, GC on the gradient (gcLoc) or on the direction (default). */
const advancedAdamRule =
  (h: Hyper): Rule =>
  (s, g, { lr, prec }) => {
    const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
    const [b1, b2] = h.betas;
    const t = s.t;
    let d = h.weightDecay !== 0 ? addScaled(g, s.p, h.weightDecay, prec) : g;
    if (h.gcLoc) d = gcOf(s, rule, d, prec);
    const v = moments(s, d, b1, b2, h.amsgrad, prec);
    let G = adamDirection(s, v, 1 - b2 ** t, h.eps, prec);
    if (!h.gcLoc) G = gcOf(s, rule, G, prec);
    s.p = addScaled(s.p, G, -(lr / (1 - b1 ** t)), prec);
  };

/** §3.3 advanced AdamW: decay added to the direction (eps bias-corrected), step lr/bc1. */
const advancedAdamWRule =
  (h: Hyper): Rule =>
  (s, g, { lr, prec }) => {
    const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
    const [b1, b2] = h.betas;
    const t = s.t;
    const d = h.gcLoc ? gcOf(s, rule, g, prec) : g;
    const v = moments(s, d, b1, b2, h.amsgrad, prec);
    let G = addScaled(adamDirection(s, v, 1 - b2 ** t, h.eps, prec), s.p, h.weightDecay, prec);
    if (!h.gcLoc) G = gcOf(s, rule, G, prec);
    s.p = addScaled(s.p, G, -(lr / (1 - b1 ** t)), prec);
  };

/** N_sma at step t and its limit (§3.4). */
function sma(beta2: number, t: number): { n: number; nMax: number } {
  const nMax = 2 / (1 - beta2) - 1;
  const b2t = beta2 ** t;
  return { n: nMax - (2 * t * b2t) / (1 - b2t), nMax };
}

/**
 * §3.4 RAdam, §3.5 PlainRAdam, §3.7 Ranger's RAdam part. In the SGD phase the direction IS exp_avg
 * (§5.8): decay and GC written into it stay in the first moment.
 */
const radamRule =
  (h: Hyper, variant: 'RAdam' | 'PlainRAdam' | 'Ranger'): Rule =>
  (s, g, env) => {
    const { prec } = env;
    const rule = ruleOfFlags(h.useGc, h.gcConvOnly);
    const [b1, b2] = h.betas;
    const t = s.t;
    const d = h.gcLoc ? gcOf(s, rule, g, prec) : g;
    moments(s, d, b1, b2, false, prec);
    const { n, nMax } = sma(b2, t);
    const rectified = variant === 'Ranger' ? n > h.nSmaThreshold : n >= 5;
    const bc1 = 1 - b1 ** t;
    let r: number;
    let G: Interval;
    if (rectified) {
      r = Math.sqrt(((1 - b2 ** t) * (n - 4) * (n - 2) * nMax) / ((nMax - 4) * n * (nMax - 2))) / bc1;
      G = div(s.slots.exp_avg, plus(sqrt(s.slots.exp_avg_sq, prec), h.eps, prec), prec);
    } else {
      r = 1 / bc1;
      G = s.slots.exp_avg;
    }
    if (h.weightDecay !== 0) G = addScaled(G, s.p, h.weightDecay, prec);
    if (!h.gcLoc) G = gcOf(s, rule, G, prec);
    if (!rectified) s.slots.exp_avg = G; // the alias: what was done to G was done to exp_avg
    const lr = variant === 'PlainRAdam' ? env.lr * env.lr : env.lr;
    s.p = addScaled(s.p, G, -(r * lr), prec);
    if (variant === 'Ranger' && t % h.k === 0) {
      // slow ← slow + α·(p − slow); p ← slow (§3.7: after this tensor's steps k, 2k, …)
      s.slots.slow_buffer = addScaled(s.slots.slow_buffer, sub(s.p, s.slots.slow_buffer, prec), h.alpha, prec);
      s.p = s.slots.slow_buffer;
    }
  };

interface OptimizerDefinition {
  readonly defaults: Hyper;
  readonly rule: (h: Hyper) => Rule;
  /** State created at construction, per tensor (Adagrad's accumulator, Ranger's slow weights). */
  readonly init?: (h: Hyper, p: Interval) => Record<string, Interval>;
}

const SGD_DEFAULTS = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
const ADAM_DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };
const FLAGS = { useGc: false, gcConvOnly: false };
const emptyMoments = (p: Interval) => ({ exp_avg: zeros(p.lo.length), exp_avg_sq: zeros(p.lo.length) });

const sgd = (rule: GcRule): OptimizerDefinition => ({ defaults: SGD_DEFAULTS, rule: (h) => sgdRule(h, rule) });
const sgdw = (rule: GcRule): OptimizerDefinition => ({ defaults: SGD_DEFAULTS, rule: (h) => sgdwRule(h, rule) });
const adam = (rule: GcRule, where: 'gradient' | 'update'): OptimizerDefinition => ({
  defaults: ADAM_DEFAULTS,
  rule: (h) => adamRule(h, rule, where),
  init: (_h, p) => emptyMoments(p),
});
const adamW = (rule: GcRule, where: 'gradient' | 'update'): OptimizerDefinition => ({
  defaults: ADAM_DEFAULTS,
  rule: (h) => adamWRule(h, rule, where),
  init: (_h, p) => emptyMoments(p),
});
const adagrad = (rule: GcRule): OptimizerDefinition => ({
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
  rule: (h) => adagradRule(h, rule),
  init: (h, p) => ({ sum: filled(p.lo.length, h.initialAccumulatorValue) }),
});
const radam = (variant: 'RAdam' | 'PlainRAdam'): OptimizerDefinition => ({
  defaults: { ...ADAM_DEFAULTS, ...FLAGS, gcLoc: false },
  rule: (h) => radamRule(h, variant),
  init: (_h, p) => emptyMoments(p),
});

const FIRST_RELEASE: Record<string, OptimizerDefinition> = {
  SGD_GC: sgd('gc'),
  SGD_GCC: sgd('gcc'),
  SGDW: sgdw('none'),
  SGDW_GC: sgdw('gc'),
  SGDW_GCC: sgdw('gcc'),
  Adam_GC: adam('gc', 'gradient'),
  Adam_GCC: adam('gcc', 'gradient'),
  Adam_GC2: adam('gc', 'update'),
  Adam_GCC2: adam('gcc', 'update'),
  AdamW: adamW('none', 'gradient'),
  AdamW_GC: adamW('gc', 'gradient'),
  AdamW_GCC: adamW('gcc', 'gradient'),
  AdamW_GC2: adamW('gc', 'update'),
  AdamW_GCC2: adamW('gcc', 'update'),
  Adagrad_GC: adagrad('gc'),
  Adagrad_GCC: adagrad('gcc'),
};

const ADVANCED: Record<string, OptimizerDefinition> = {
  SGD: { defaults: { ...SGD_DEFAULTS, ...FLAGS }, rule: (h) => sgdRule(h, ruleOfFlags(h.useGc, h.gcConvOnly)) },
  Adam: {
    defaults: { ...ADAM_DEFAULTS, ...FLAGS, gcLoc: false },
    rule: advancedAdamRule,
    init: (_h, p) => emptyMoments(p),
  },
  AdamW: {
    defaults: { ...ADAM_DEFAULTS, weightDecay: 1e-2, ...FLAGS, gcLoc: true },
    rule: advancedAdamWRule,
    init: (_h, p) => emptyMoments(p),
  },
  RAdam: radam('RAdam'),
  PlainRAdam: radam('PlainRAdam'),
  Ranger: {
    defaults: {
      ...{ lr: 1e-3, alpha: 0.5, k: 6, nSmaThreshold: 5, betas: [0.95, 0.999], eps: 1e-5, weightDecay: 0 },
      ...FLAGS,
      gcLoc: false,
    },
    rule: (h) => radamRule(h, 'Ranger'),
    init: (_h, p) => ({ ...emptyMoments(p), slow_buffer: p }),
  },
};

/** An optimizer run by the oracle: one `step` per optimizer step, returning every parameter's range. */
export interface OracleOptimizer {
  /** `grads[i]` null: parameter i has no gradient this step. `lr`: this step's learning rate. */
  step(grads: readonly (ArrayLike<number> | null)[], lr: number): readonly Interval[];
}

/**
 * The oracle for a reference optimizer: `name` as in the reference (`Lookahead(SGD)` / `Lookahead(Adam)`
 * wrap the advanced ones, hyper `{ inner, k, alpha }`), `hyper` in gcopt's camelCase option names.
 */
export function oracleOptimizer(
  name: string,
  family: 'first_release' | 'advanced' | 'wrapper',
  hyper: Hyper,
  params: readonly OracleParam[],
  prec: Precision,
): OracleOptimizer {
  const wrapped = /^Lookahead\((\w+)\)$/.exec(name);
  const innerName = wrapped ? wrapped[1] : name;
  const table = wrapped || family === 'advanced' ? ADVANCED : FIRST_RELEASE;
  const def =
    table[innerName] ?? (family === 'wrapper' ? undefined : (FIRST_RELEASE[innerName] ?? ADVANCED[innerName]));
  if (!def) throw new RangeError(`the oracle has no optimizer '${name}' (${family})`);
  const h: Hyper = { ...def.defaults, ...(wrapped ? hyper.inner : hyper) };
  const look = wrapped ? { k: hyper.k ?? 5, alpha: hyper.alpha ?? 0.5 } : undefined;
  const rule = def.rule(h);
  const runs: TensorRun[] = params.map((param) => {
    const p = exact(param.data);
    const layout = channelLayout(param.shape, param.outAxis);
    return { layout, gc: param.gc !== false, p, t: 0, slots: def.init?.(h, p) ?? {} };
  });
  let count = 0;
  return {
    step(grads, lr) {
      count += 1;
      const env: StepEnv = { lr, optimizerStep: count, prec };
      runs.forEach((s, i) => {
        const g = grads[i];
        if (g !== null) {
          s.t += 1;
          rule(s, exact(g), env);
        }
        // §3.6: syncs after optimizer steps 1, k+1, 2k+1, … for every parameter; the first only takes the copy
        if (look && (count - 1) % look.k === 0) {
          const slow = count === 1 ? s.p : s.slots.slow_param;
          s.slots.slow_param = addScaled(slow, sub(s.p, slow, prec), look.alpha, prec);
          s.p = s.slots.slow_param;
        }
      });
      return runs.map((s) => s.p);
    },
  };
}
