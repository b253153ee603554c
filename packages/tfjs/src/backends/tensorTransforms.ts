import * as tf from '@tensorflow/tfjs-core';
import {
  gcApplies,
  rectificationFactor,
  smaLength,
  type DescriptorKind,
  type Transform,
  type TransformDescriptor,
} from '@gcopt/core';

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
 * `[outer, channels, inner]` so that one form serves any rank and layout. Float32 tensors have no
 * float64 sum, so each channel is first shifted by its first element (docs/ALGORITHMS.md §1): on
 * a nearly constant channel `x − x₀` is exact (Sterbenz) and the float32 mean of the small
 * differences is accurate, where the plain float32 mean would be off by half a last place of x — all
 * of the centred value. Error of each centred value: at most about (n + 2)·2^-24·max|x − x₀| over its
 * channel of n elements (the core's float64 mean: half a last place of the result). Also gives the
 * channel sums (of the shifted values), which the NaN/Inf check reuses: a NaN or ±Inf in `u` makes
 * their total non-finite.
 */
function centralized(u: tf.Tensor, outAxis: number): { centered: tf.Tensor; sums: tf.Tensor } {
  const shape = u.shape;
  const outer = shape.slice(0, outAxis).reduce((a, b) => a * b, 1);
  const channels = shape[outAxis];
  const inner = shape.slice(outAxis + 1).reduce((a, b) => a * b, 1);
  const blocks = tf.reshape(u, [outer, channels, inner]) as tf.Tensor3D;
  const shifted = tf.sub(blocks, tf.slice(blocks, [0, 0, 0], [1, channels, 1])) as tf.Tensor3D;
  const sums = channelSums(shifted);
  const centered = tf.reshape(tf.sub(shifted, tf.div(sums, outer * inner)), shape);
  return { centered, sums };
}

/** The tf-op form of one descriptor kind. */
type TensorTransform<K extends DescriptorKind> = (
  ctx: TensorContext,
  descriptor: Extract<TransformDescriptor, { kind: K }>,
) => void;

function pullTowardsSlow(ctx: TensorContext, slot: string, alpha: number): void {
  const slow = ctx.slots[slot];
  const next = tf.add(slow, tf.mul(tf.sub(ctx.p, slow), alpha));
  ctx.slots[slot] = next;
  ctx.p = next;
}

/**
 * The core's transforms as tf ops, keyed by descriptor kind (every kind but `custom`: the compiler
 * checks this table is complete). The core's recipe decides which run and in what order, and each
 * descriptor gives its numbers; the agreement tests hold every optimizer to the core's values.
 */
const implementations: { [K in Exclude<DescriptorKind, 'custom'>]: TensorTransform<K> } = {
  addWeightDecay(ctx, { weightDecay: wd }) {
    if (wd !== 0) setU(ctx, tf.add(ctx.u, tf.mul(ctx.p, wd)));
  },
  centralize(ctx, { rule }) {
    if (!ctx.gcEnabled || !gcApplies(ctx.rank, rule)) return;
    const { centered, sums } = centralized(ctx.u, ctx.outAxis);
    if (ctx.probe === null) ctx.probe = tf.sum(sums);
    setU(ctx, centered);
  },
  sgdMomentum(ctx, { momentum, dampening, nesterov }) {
    if (momentum === 0) return;
    const buf = ctx.t === 1 ? ctx.u : tf.add(tf.mul(ctx.slots.momentum_buffer, momentum), tf.mul(ctx.u, 1 - dampening));
    ctx.slots.momentum_buffer = buf;
    if (nesterov) setU(ctx, tf.add(ctx.u, tf.mul(buf, momentum)));
    else setU(ctx, buf);
  },
  adamMoments(ctx, { beta1, beta2, amsgrad }) {
    ctx.slots.exp_avg = tf.add(tf.mul(ctx.slots.exp_avg, beta1), tf.mul(ctx.u, 1 - beta1));
    ctx.slots.exp_avg_sq = tf.add(tf.mul(ctx.slots.exp_avg_sq, beta2), tf.mul(tf.square(ctx.u), 1 - beta2));
    if (amsgrad) ctx.slots.max_exp_avg_sq = tf.maximum(ctx.slots.max_exp_avg_sq, ctx.slots.exp_avg_sq);
  },
  scaleByAdam(ctx, { beta1, beta2, eps, amsgrad, epsPlacement }) {
    const { t } = ctx;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    const v = amsgrad ? ctx.slots.max_exp_avg_sq : ctx.slots.exp_avg_sq;
    if (epsPlacement === 'bias-corrected-eps' && ctx.foldBiasCorrection) {
      // m / (sqrt(v)/c + eps) = c · m / (sqrt(v) + eps·c), c = sqrt(bc2): the same value, c in the scale
      const c = Math.sqrt(bc2);
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(v), eps * c)));
      ctx.scale *= c / bc1;
    } else if (epsPlacement === 'bias-corrected-eps') {
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps)));
      ctx.scale /= bc1;
    } else {
      setU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(v), eps)));
      ctx.scale *= Math.sqrt(bc2) / bc1;
    }
  },
  scaleByAdagrad(ctx, { eps, lrDecay }) {
    const sum = tf.add(ctx.slots.sum, tf.square(ctx.u));
    ctx.slots.sum = sum;
    setU(ctx, tf.div(ctx.u, tf.add(tf.sqrt(sum), eps)));
    ctx.scale /= 1 + (ctx.t - 1) * lrDecay;
  },
  rectify(ctx, { beta1, beta2, eps, threshold, comparison }) {
    const { n } = smaLength(beta2, ctx.t);
    const rectified = comparison === 'inclusive' ? n >= threshold : n > threshold;
    if (rectified) {
      replaceU(ctx, tf.div(ctx.slots.exp_avg, tf.add(tf.sqrt(ctx.slots.exp_avg_sq), eps)));
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
  applyUpdateWithDecoupledDecay(ctx, { weightDecay }) {
    ctx.p = tf.sub(tf.sub(ctx.p, tf.mul(ctx.u, ctx.scale)), tf.mul(ctx.p, weightDecay * ctx.lr));
  },
  lookaheadSync(ctx, { k, alpha }) {
    if ((ctx.optimizerStep - 1) % k !== 0) return;
    if (ctx.optimizerStep === 1) ctx.slots.slow_param = ctx.p;
    pullTowardsSlow(ctx, 'slow_param', alpha);
  },
  rangerLookahead(ctx, { k, alpha }) {
    if (ctx.t % k !== 0) return;
    pullTowardsSlow(ctx, 'slow_buffer', alpha);
  },
};

/** Transforms whose result is linear in `u` (or that do not read it). */
const LINEAR_IN_U = new Set<DescriptorKind | undefined>([
  'centralize',
  'scaleByLearningRate',
  'applyUpdate',
  'applyUpdateWithDecoupledDecay',
  'lookaheadSync',
  'rangerLookahead',
]);

/** Whether `scaleByAdam` may move its bias correction into `scale` (see `TensorContext`). */
export function canFoldBiasCorrection(recipe: readonly Transform[]): boolean {
  const at = recipe.findIndex((tr) => tr.descriptor?.kind === 'scaleByAdam');
  return at >= 0 && recipe.slice(at + 1).every((tr) => LINEAR_IN_U.has(tr.descriptor?.kind));
}

function hasTensorForm(d: TransformDescriptor | undefined): d is Exclude<TransformDescriptor, { kind: 'custom' }> {
  return d !== undefined && Object.hasOwn(implementations, d.kind);
}

/** The transforms of a recipe that have no tf-op form (then only the host backend can run it). */
export function unsupportedTransforms(recipe: readonly Transform[]): string[] {
  return recipe.filter((tr) => !hasTensorForm(tr.descriptor)).map((tr) => tr.name);
}

export function applyTensorTransform(transform: Transform, ctx: TensorContext): void {
  const d = transform.descriptor;
  if (!hasTensorForm(d)) throw new Error(`${transform.name}: no tf-op form (descriptor kind '${d?.kind}')`);
  (implementations[d.kind] as TensorTransform<typeof d.kind>)(ctx, d as never);
}
