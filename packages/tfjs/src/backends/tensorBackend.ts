import * as tf from '@tensorflow/tfjs-core';
import {
  emitWarning,
  NonFiniteGradientError,
  notFusedWarning,
  resolveLearningRate,
  type Optimizer as CoreOptimizer,
  type WarningHandler,
} from '@gcopt/core';
import {
  applyTensorTransform,
  canFoldBiasCorrection,
  unsupportedTransforms,
  type TensorContext,
} from './tensorTransforms.js';
import { normalizedAxis, type StepItem } from './stepItem.js';

/**
 * The step computed with tf ops on the backend that holds the tensors (wasm, webgl, webgpu,
 * tfjs-node): the core's recipe, transform by transform, with scalar factors (bias corrections,
 * rectification, schedules) computed on the host as the core does. Nothing is downloaded but one
 * number per step (the finiteness check). Every new value — and the check — is computed before any
 * variable is assigned, so a failed step changes nothing. Call inside `tf.tidy`.
 */
export function tensorStep(
  core: CoreOptimizer,
  items: readonly StepItem[],
  count: number,
  checkFinite: boolean,
): number {
  const optimizerStep = count + 1;
  const lr = resolveLearningRate(core.hyper.lr, optimizerStep);
  const foldBiasCorrection = canFoldBiasCorrection(core.recipe);
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
      probe: null,
      foldBiasCorrection,
    };
    for (const tr of core.recipe) if (hasGrad || tr.alsoWithoutGradient) applyTensorTransform(tr, ctx);
    return { ctx, initialSlots };
  });
  if (checkFinite)
    assertFinite(
      items,
      results.map(({ ctx }) => ctx.probe),
    );
  items.forEach(({ entry }, i) => {
    const { ctx, initialSlots } = results[i];
    if (ctx.p !== entry.variable) entry.variable.assign(ctx.p);
    for (const [slot, v] of entry.slots) if (ctx.slots[slot] !== initialSlots[slot]) v.assign(ctx.slots[slot]);
    entry.step = ctx.t;
  });
  return optimizerStep;
}

const warned = new WeakSet<CoreOptimizer>();

/**
 * Whether the tensor backend can run `core`'s recipe (every descriptor has a tf-op form). If not, the
 * step runs on the host (the core itself) and this says so once per optimizer, naming the transform.
 */
export function tensorBackendRuns(core: CoreOptimizer, onWarning?: WarningHandler): boolean {
  const missing = core.recipe.find((tr) => unsupportedTransforms([tr]).length > 0);
  if (!missing) return true;
  if (!warned.has(core)) {
    warned.add(core);
    const kind = missing.descriptor?.kind;
    const reason =
      `${missing.name}: ` +
      `${kind === undefined ? 'it has no descriptor' : `no tf-op form for descriptor kind '${kind}'`}`;
    emitWarning(notFusedWarning('the tfjs tensor backend', core.name, missing.name, reason), onWarning);
  }
  return false;
}

/**
 * One number read back, before anything is assigned: the total of each gradient's probe (its
 * channel sums where GC centralized it, else its `sum`) is finite unless a gradient holds NaN/±Inf
 * (+Inf and -Inf that cancel give NaN, still caught). Where the total is not finite for another
 * reason (an overflow), the scan below finds no bad gradient element and the step goes on. The
 * offending element is located only when the total is not finite.
 */
function assertFinite(items: readonly StepItem[], probes: readonly (tf.Tensor | null)[]): void {
  const sums = items.flatMap(({ grad }, i) => (grad === null ? [] : [probes[i] ?? tf.sum(grad)]));
  if (sums.length === 0) return;
  const total = sums.length === 1 ? sums[0] : tf.addN(sums);
  if (Number.isFinite(total.dataSync()[0])) return;
  items.forEach(({ name, grad }, i) => {
    if (!grad) return;
    const data = grad.dataSync();
    for (let j = 0; j < data.length; j++)
      if (data[j] - data[j] !== 0) throw new NonFiniteGradientError(i, name, j, data[j]);
  });
}
