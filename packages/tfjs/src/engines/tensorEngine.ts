import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteGradientError, resolveLearningRate, type Optimizer as CoreOptimizer } from '@gcopt/core';
import { applyTensorTransform, type TensorContext } from './tensorTransforms.js';
import { normalizedAxis, type StepItem } from './stepItem.js';

/**
 * The step computed with tf ops on the backend that holds the tensors (wasm, webgl, webgpu,
 * tfjs-node): the core's recipe, transform by transform, with scalar factors (bias corrections,
 * rectification, schedules) computed on the host as the core does. Nothing is downloaded but one
 * boolean per step (the finiteness check). Every new value is computed before any variable is
 * assigned, so a failed step changes nothing. Call inside `tf.tidy`.
 */
export function tensorStep(core: CoreOptimizer, items: readonly StepItem[], count: number, checkFinite: boolean): number {
  const optimizerStep = count + 1;
  const lr = resolveLearningRate(core.hyper.lr, optimizerStep);
  if (checkFinite) assertFinite(items);
  const results = items.map(({ entry, grad }) => {
    const hasGrad = grad !== null;
    const initialSlots = Object.fromEntries(entry.slots) as Record<string, tf.Tensor>;
    const ctx: TensorContext = {
      p: entry.variable,
      u: grad ?? entry.variable,
      aliasOf: null,
      slots: { ...initialSlots },
      rank: entry.shape.length,
      outAxis: normalizedAxis(entry.layout.outAxis, entry.shape.length),
      gcEnabled: entry.layout.gc,
      t: hasGrad ? entry.step + 1 : entry.step,
      optimizerStep,
      lr,
      scale: 1,
    };
    for (const tr of core.recipe) if (hasGrad || tr.alsoWithoutGradient) applyTensorTransform(tr, ctx);
    return { ctx, initialSlots };
  });
  items.forEach(({ entry }, i) => {
    const { ctx, initialSlots } = results[i];
    if (ctx.p !== entry.variable) entry.variable.assign(ctx.p);
    for (const [slot, v] of entry.slots) if (ctx.slots[slot] !== initialSlots[slot]) v.assign(ctx.slots[slot]);
    entry.step = ctx.t;
  });
  return optimizerStep;
}

/**
 * One pass, one number read back: the sum of all gradients is finite unless one holds NaN/±Inf (or
 * the sum overflows: then the scan below finds nothing and the step goes on). The offending element
 * is located only when the sum is not finite.
 */
function assertFinite(items: readonly StepItem[]): void {
  const grads = items.map((it) => it.grad).filter((g): g is tf.Tensor => g !== null);
  if (grads.length === 0) return;
  const probe = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(g))));
  if (Number.isFinite(probe.dataSync()[0])) return;
  items.forEach(({ name, grad }, i) => {
    if (!grad) return;
    const data = grad.dataSync();
    for (let j = 0; j < data.length; j++) if (data[j] - data[j] !== 0) throw new NonFiniteGradientError(i, name, j, data[j]);
  });
}
