import * as tf from '@tensorflow/tfjs-core';
import { gcApplies, rectificationFactor, smaLength, type GcRule, type Transform } from '@gcopt/core';

/**
 * What one step of one variable sees while a recipe runs as tf ops: the tensor form of the core's
 * `TensorContext`. Tensors are immutable, so "in place" means "replace": `setU` also replaces the
 * state slot that `u` aliases (RAdam's SGD phase, where the update *is* exp_avg).
 */
export interface TensorContext {
  p: tf.Tensor;
  u: tf.Tensor;
  /** The slot `u` currently is, or null. */
  aliasOf: string | null;
  readonly slots: Record<string, tf.Tensor>;
  readonly rank: number;
  readonly outAxis: number;
  readonly gcEnabled: boolean;
  readonly t: number;
  readonly optimizerStep: number;
  readonly lr: number;
  scale: number;
  /**
   * The total of the first centralization's channel sums, when one ran: the step's NaN/Inf probe
   * for this variable instead of a separate pass over its gradient (the update centralized is
   * computed from the gradient by ops that carry a NaN or ±Inf through).
   */
  probe: tf.Tensor | null;
  /**
   * True where every transform after `scaleByAdam` is linear in `u` (GC, the learning rate, the
   * update): then Adam's `1/sqrt(1−β2^t)` may move from `u` into `scale`, one pass less.
   */
  readonly foldBiasCorrection: boolean;
}

/** Replaces the working update in place (writing through to the slot it aliases). */
function setU(ctx: TensorContext, u: tf.Tensor): void {
  ctx.u = u;
  if (ctx.aliasOf) ctx.slots[ctx.aliasOf] = u;
}

/** Points the working update at a new value that is nobody's state. */
function replaceU(ctx: TensorContext, u: tf.Tensor): void {
  ctx.u = u;
  ctx.aliasOf = null;
}

/**
 * The sum over all axes but `outAxis` of `blocks` (`u` seen as `[outer, channels, inner]`), shape
 * `[1, channels, 1]`. A trailing (innermost) reduction is a native `sum`; the leading one is a
 * `matMul` of the transposed blocks by a ones vector, because the wasm backend's `sum`/`mean` over
 * a leading axis first transposes the whole tensor: on wasm `mean` over axis 0 costs about an
 * element-wise op, this `matMul` about half of one (`benchmarks/tfjs/opCosts.mjs`). `ones` stays the
 * right operand: XNNPACK re-packs a fresh right operand (the gradient) on every call.
 */
function channelSums(blocks: tf.Tensor3D): tf.Tensor {
  const [outer, channels, inner] = blocks.shape;
  const overInner = inner === 1 ? tf.reshape(blocks, [outer, channels]) : tf.sum(blocks, 2);
  if (outer === 1) return tf.reshape(overInner, [1, channels, 1]);
  const sums = tf.matMul(overInner as tf.Tensor2D, tf.ones([outer, 1]), true, false);
  return tf.reshape(sums, [1, channels, 1]);
}

/**
 * `u` minus, for each index on `outAxis`, the mean over all other axes, with `u` seen as
 * `[outer, channels, inner]` so that one form serves any rank and layout. Also gives the channel
 * sums, which the NaN/Inf check reuses: a NaN or ±Inf in `u` makes their total non-finite.
 */
function centralized(u: tf.Tensor, outAxis: number): { centered: tf.Tensor; sums: tf.Tensor } {
  const shape = u.shape;
  const outer = shape.slice(0, outAxis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(outAxis + 1).reduce((a, b) => a * b, 1);
  const blocks = tf.reshape(u, [outer, shape[outAxis], inner]) as tf.Tensor3D;
  const sums = channelSums(blocks);
  const centered = tf.reshape(tf.sub(blocks, tf.div(sums, outer * inner)), shape);
  return { centered, sums };
}

type Params = Readonly<Record<string, unknown>>;
type TensorTransform = (ctx: TensorContext, params: Params) => void;

const num = (params: Params, key: string) => params[key] as number;

function pullTowardsSlow(ctx: TensorContext, slot: string, alpha: number): void {
  const slow = ctx.slots[slot];
  const next = tf.add(slow, tf.mul(tf.sub(ctx.p, slow), alpha));
  ctx.slots[slot] = next;
  ctx.p = next;
}

/**
 * The core's transforms as tf ops, keyed by transform name (before any `(`). The core's recipe
 * decides which run and in what order, and its `params` give their arguments; the agreement tests
 * hold every optimizer to the core's values.
 */
const implementations: Record<string, TensorTransform> = {
  addWeightDecay(ctx, params) {
    const wd = num(params, 'weightDecay');
    if (wd !== 0) setU(ctx, tf.add(ctx.u, tf.mul(ctx.p, wd)));
  },
  centralize(ctx, params) {
    if (!ctx.gcEnabled || !gcApplies(ctx.rank, params.rule as GcRule)) return;
    const { centered, sums } = centralized(ctx.u, ctx.outAxis);
    if (ctx.probe === null) ctx.probe = tf.sum(sums);
    setU(ctx, centered);
  },
  noMomentum() {},
  sgdMomentum(ctx, params) {
    const momentum = num(params, 'momentum');
    const buf = ctx.t === 1 ? ctx.u : tf.add(tf.mul(ctx.slots.momentum_buffer, momentum), tf.mul(ctx.u, 1 - num(params, 'dampening')));
    ctx.slots.momentum_buffer = buf;
    if (params.nesterov) setU(ctx, tf.add(ctx.u, tf.mul(buf, momentum)));
    else setU(ctx, buf);
  },
  adamMoments(ctx, params) {
    const beta1 = num(params, 'beta1');
    const beta2 = num(params, 'beta2');
    ctx.slots.exp_avg = tf.add(tf.mul(ctx.slots.exp_avg, beta1), tf.mul(ctx.u, 1 - beta1));
    ctx.slots.exp_avg_sq = tf.add(tf.mul(ctx.slots.exp_avg_sq, beta2), tf.mul(tf.square(ctx.u), 1 - beta2));
    if (params.amsgrad) ctx.slots.max_exp_avg_sq = tf.maximum(ctx.slots.max_exp_avg_sq, ctx.slots.exp_avg_sq);
  },
  scaleByAdam(ctx, params) {
    const { t } = ctx;
    const bc1 = 1 - num(params, 'beta1') ** t;
    const bc2 = 1 - num(params, 'beta2') ** t;
    const eps = num(params, 'eps');
    const v = params.amsgrad ? ctx.slots.max_exp_avg_sq : ctx.slots.exp_avg_sq;
    if (params.epsPlacement === 'bias-corrected-eps' && ctx.foldBiasCorrection) {
      // m / (sqrt(v)/c + eps) = c · m / (sqrt(v) + eps·c), c = sqrt(bc2): the same value, c in the scale
      const c = Math.sqrt(bc2);
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(v), eps * c)));
      ctx.scale *= c / bc1;
    } else if (params.epsPlacement === 'bias-corrected-eps') {
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps)));
      ctx.scale /= bc1;
    } else {
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(v), eps)));
      ctx.scale *= Math.sqrt(bc2) / bc1;
    }
  },
  scaleByAdagrad(ctx, params) {
    const sum = tf.add(ctx.slots.sum, tf.square(ctx.u));
    ctx.slots.sum = sum;
    setU(ctx, tf.div(ctx.u, tf.add(tf.sqrt(sum), num(params, 'eps'))));
    ctx.scale /= 1 + (ctx.t - 1) * num(params, 'lrDecay');
  },
  rectify(ctx, params) {
    const beta1 = num(params, 'beta1');
    const beta2 = num(params, 'beta2');
    const { n } = smaLength(beta2, ctx.t);
    const threshold = num(params, 'threshold');
    const rectified = params.comparison === 'inclusive' ? n >= threshold : n > threshold;
    if (rectified) {
      replaceU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(ctx.slots.exp_avg_sq), num(params, 'eps'))));
      ctx.scale *= rectificationFactor(beta1, beta2, ctx.t);
    } else {
      // the reference's aliasing (docs/ALGORITHMS.md §5.8): later decay and GC are written into exp_avg
      ctx.u = ctx.slots.exp_avg;
      ctx.aliasOf = 'exp_avg';
      ctx.scale /= 1 - beta1 ** ctx.t;
    }
  },
  scaleByLearningRate(ctx) {
    ctx.scale *= ctx.lr;
  },
  applyUpdate(ctx) {
    ctx.p = tf.sub(ctx.p, tf.mul(ctx.u, ctx.scale));
  },
  applyUpdateWithDecoupledDecay(ctx, params) {
    ctx.p = tf.sub(tf.sub(ctx.p, tf.mul(ctx.u, ctx.scale)), tf.mul(ctx.p, num(params, 'weightDecay') * ctx.lr));
  },
  lookaheadSync(ctx, params) {
    const k = num(params, 'k');
    if ((ctx.optimizerStep - 1) % k !== 0) return;
    if (ctx.optimizerStep === 1) ctx.slots.slow_param = ctx.p;
    pullTowardsSlow(ctx, 'slow_param', num(params, 'alpha'));
  },
  rangerLookahead(ctx, params) {
    if (ctx.t % num(params, 'k') !== 0) return;
    pullTowardsSlow(ctx, 'slow_buffer', num(params, 'alpha'));
  },
};

function keyOf(transform: Transform): string {
  const paren = transform.name.indexOf('(');
  return paren < 0 ? transform.name : transform.name.slice(0, paren);
}

/** Transforms whose result is linear in `u` (or that do not read it). */
const LINEAR_IN_U = new Set(['centralize', 'scaleByLearningRate', 'applyUpdate', 'applyUpdateWithDecoupledDecay', 'lookaheadSync', 'rangerLookahead']);

/** Whether `scaleByAdam` may move its bias correction into `scale` (see `TensorContext`). */
export function canFoldBiasCorrection(recipe: readonly Transform[]): boolean {
  const at = recipe.findIndex((tr) => keyOf(tr) === 'scaleByAdam');
  return at >= 0 && recipe.slice(at + 1).every((tr) => LINEAR_IN_U.has(keyOf(tr)));
}

/** The transforms of a recipe that have no tf-op form (then only the host engine can run it). */
export function unsupportedTransforms(recipe: readonly Transform[]): string[] {
  return recipe.filter((tr) => !implementations[keyOf(tr)] || tr.params === undefined).map((tr) => tr.name);
}

export function applyTensorTransform(transform: Transform, ctx: TensorContext): void {
  implementations[keyOf(transform)](ctx, transform.params ?? {});
}
