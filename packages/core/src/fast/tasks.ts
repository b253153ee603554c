import { gcApplies } from '../centralize/gcRule.js';
import type { Layout } from '../tensor/layout.js';
import type { FusedPlan } from '../plan/fusedPlan.js';

/** Kernel ids, as the WebAssembly dispatcher `run` reads them from slot 0 of a task. */
export const KIND = { skip: 0, adam: 1, adamAmsgrad: 2, sgd: 3, sgdMomentum: 4, adagrad: 5, nonFinite: 6 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Slots of a task record (f64 each; the WebAssembly side reads the same layout). */
export const SLOT = { kind: 0, p: 1, g: 2, s1: 3, s2: 4, s3: 5, rows: 6, len: 7, gcg: 8, gcu: 9, scalars: 10, result: 19 } as const;
export const SCALAR_COUNT = 9;

/** One contiguous piece of one tensor's work: `rows` rows of `len` elements from element `start`. */
export interface Task {
  readonly tensor: number;
  readonly start: number;
  readonly rows: number;
  readonly len: number;
}

/** How one tensor is processed by the fused kernels. */
export interface TensorWork {
  readonly kind: Kind;
  /** GC on the gradient / on the update applies to this tensor (each row is one output channel). */
  readonly gcGradient: boolean;
  readonly gcUpdate: boolean;
  /**
   * True when GC applies but the channels are not contiguous rows (outAxis ≠ 0 with axes before
   * it, e.g. tfjs's channels-last): this tensor runs the core recipe instead (same numbers, slower).
   */
  readonly viaRecipe: boolean;
  readonly tasks: Task[];
}

/** Elements per task when a tensor is split without regard to rows (no GC on it). */
export const CHUNK = 32768;

export function kindOf(plan: FusedPlan): Kind {
  if (plan.family === 'adam') return plan.amsgrad ? KIND.adamAmsgrad : KIND.adam;
  if (plan.family === 'sgd') return plan.momentum !== 0 ? KIND.sgdMomentum : KIND.sgd;
  return KIND.adagrad;
}

/** Splits one tensor's work into row-aligned tasks of about CHUNK elements. */
export function tensorWork(plan: FusedPlan, tensor: number, layout: Layout, gcEnabled: boolean): TensorWork {
  const applies = (rule: 'gc' | 'gcc' | 'none') => gcEnabled && gcApplies(layout.rank, rule);
  const gcGradient = applies(plan.gradientRule);
  const gcUpdate = plan.family === 'adam' && applies(plan.updateRule);
  const kind = kindOf(plan);
  const n = layout.size;
  const tasks: Task[] = [];
  if ((gcGradient || gcUpdate) && layout.outer !== 1) return { kind, gcGradient, gcUpdate, viaRecipe: true, tasks };
  if (gcGradient || gcUpdate) {
    const len = layout.inner;
    const rowsPerTask = Math.max(1, Math.floor(CHUNK / len));
    for (let r = 0; r < layout.channels; r += rowsPerTask) {
      tasks.push({ tensor, start: r * len, rows: Math.min(rowsPerTask, layout.channels - r), len });
    }
  } else {
    const len = Math.min(n, CHUNK);
    const full = Math.floor(n / len);
    if (full > 0) {
      // full chunks in groups, so a huge tensor is still several tasks (balance between threads)
      for (let r = 0; r < full; r++) tasks.push({ tensor, start: r * len, rows: 1, len });
    }
    if (n % len) tasks.push({ tensor, start: full * len, rows: 1, len: n % len });
  }
  return { kind, gcGradient, gcUpdate, viaRecipe: false, tasks };
}

/**
 * The per-step numbers of a tensor at its step `t` with learning rate `lr`, in the kernel's
 * scalar slots (see scripts/build-wasm.mjs for what each kernel does with them):
 * - adam:    wd1, β1, 1−β1, β2, 1−β2, a, eps, wd2, s
 * - sgd:     wd, ka, kb, nd, nm, lr, dec, –, –
 * - adagrad: wd, –, –, –, –, –, eps, –, clr
 * Each is the same expression the core's transforms evaluate (scaleByAdam, sgdMomentum,
 * applyUpdateWithDecoupledDecay, scaleByAdagrad, scaleByLearningRate), from the plan's numbers.
 */
export function stepScalars(plan: FusedPlan, t: number, lr: number, out: Float64Array): void {
  out.fill(0);
  if (plan.family === 'adam') {
    const bc1 = 1 - plan.beta1 ** t;
    const bc2 = 1 - plan.beta2 ** t;
    const biasCorrectedEps = plan.epsPlacement === 'bias-corrected-eps';
    out[0] = plan.coupledDecay;
    out[1] = plan.beta1;
    out[2] = 1 - plan.beta1;
    out[3] = plan.beta2;
    out[4] = 1 - plan.beta2;
    out[5] = biasCorrectedEps ? 1 / Math.sqrt(bc2) : 1;
    out[6] = plan.eps;
    out[7] = plan.decayAfterDirection;
    out[8] = biasCorrectedEps ? (1 / bc1) * lr : (Math.sqrt(bc2) / bc1) * lr;
  } else if (plan.family === 'sgd') {
    const first = t === 1;
    out[0] = plan.coupledDecay;
    out[1] = first ? 0 : plan.momentum;
    out[2] = first ? 1 : 1 - plan.dampening;
    out[3] = plan.nesterov ? 1 : 0;
    out[4] = plan.nesterov ? plan.momentum : 1;
    out[5] = lr;
    out[6] = plan.decoupledDecay * lr;
  } else {
    out[0] = plan.coupledDecay;
    out[6] = plan.eps;
    out[8] = (1 / (1 + (t - 1) * plan.lrDecay)) * lr;
  }
}
