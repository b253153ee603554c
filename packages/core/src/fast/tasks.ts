import { gcApplies } from '../centralize/gcRule.js';
import type { FloatArray } from '../tensor/floatArray.js';
import type { Layout } from '../tensor/layout.js';
import type { FusedPlan } from '../plan/fusedPlan.js';
import { SCAN_STREAMS } from './wasm/kernelsBinary.js';

/** Kernel ids, as the WebAssembly dispatcher `run` reads them from slot 0 of a task. */
export const KIND = {
  skip: 0,
  adam: 1,
  adamAmsgrad: 2,
  sgd: 3,
  sgdMomentum: 4,
  adagrad: 5,
  nonFinite: 6,
  scan: 7,
  reduce: 8,
  applyCentred: 9,
} as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Slots of a task record (f64 each; the WebAssembly side reads the same layout). */
export const SLOT = {
  kind: 0,
  p: 1,
  g: 2,
  s1: 3,
  s2: 4,
  s3: 5,
  rows: 6,
  len: 7,
  gcg: 8,
  gcu: 9,
  scalars: 10,
  result: 19,
  means: 20,
  /** The tensor's update array (GC on the update where channels are not rows). */
  u: 21,
} as const;

/**
 * Slots of a scan or reduce task record (the kernels' arguments, in the same f64 table layout). A
 * reduce record reads `parts` partial vectors of `channels` sums at `g` and writes the means at `means`.
 */
export const SCAN_SLOT = {
  kind: 0,
  p: 1,
  g: 2,
  channels: 3,
  inner: 4,
  stride: 5,
  outer: 6,
  parts: 6,
  n: 7,
  wd: 10,
  result: 19,
  means: 20,
} as const;

/**
 * Where a task's gradient means come from (the `gcg` slot; scripts/build-wasm.mjs reads the same
 * numbers): none; computed by the kernel per row (channels first: each row is one channel); given by
 * the host per row (output axis in the middle: each row is a contiguous run of one channel, the
 * float64 means of the task's channels at `means`); given per column (output axis last: each row
 * holds one element of every channel, column j centred by `means[j]`).
 */
export const GC_MEANS = { none: 0, rowComputed: 1, rowGiven: 2, columnGiven: 3 } as const;
export type GcMeans = (typeof GC_MEANS)[keyof typeof GC_MEANS];
export const SCALAR_COUNT = 9;

/** One contiguous piece of one tensor's work: `rows` rows of `len` elements from element `start`. */
export interface Task {
  readonly tensor: number;
  readonly start: number;
  readonly rows: number;
  readonly len: number;
  /** With means given per row: the channel of the task's first row. */
  readonly channel0?: number;
}

/**
 * GC on the update, as the Adam kernels read it (the `gcu` slot): none; per row, staged in the
 * thread's scratch row (channels first: each row is one channel); or, where channels are not rows,
 * u written to the tensor's own update array, whose channel means the scan takes before `apply`
 * subtracts them (scripts/build-wasm.mjs reads the same numbers).
 */
export const GC_UPDATE = { none: 0, scratchRow: 1, toArray: 2 } as const;

/** How one tensor is processed by the fused kernels. */
export interface TensorWork {
  readonly kind: Kind;
  /** Whether GC on the gradient applies to this tensor, and where its channel means come from. */
  readonly gcGradient: GcMeans;
  /** GC on the update applies to this tensor. */
  readonly gcUpdate: boolean;
  /**
   * With GC on the update where the channels are not contiguous rows (an output axis with axes before
   * it, e.g. tfjs's channels-last): how the `apply` kernel reads the update's channel means (per row or
   * per column, as `gcGradient` for gradients); else none.
   */
  readonly updateMeans: GcMeans;
  readonly tasks: Task[];
}

/** The unit of task sizes: 128 KiB of float32. */
export const CHUNK = 32768;

/**
 * Elements per update task (whole rows where GC needs them; a tensor without GC is split without regard
 * to rows). Measured on ResNet-50 Adam_GC (in-process A/B, 41–61 paired rounds, identical results):
 * tasks of CHUNK cost ~2.5 % more per step channels first (~900 task records and hand-offs per step
 * instead of ~230), 0–2 % in tfjs layout. The stream floor runs tasks of this size too (it was 1–5 %
 * faster with them than with CHUNK): benchmarks/src/streamFloor.ts.
 */
export const UPDATE_CHUNK = 4 * CHUNK;

/**
 * Elements per scan block (1 MiB of gradient). Measured on ResNet-50 (in-process A/B, paired rounds, results
 * identical bit for bit), blocks of CHUNK cost 1–2.5 % (channels first) and ~4 % (output axis last) more per
 * step: short blocks mean short read streams (a conv kernel's 4 channels of 18 KB, or 16 slices) and, where
 * channels are not rows, a partial-sum vector per block that `reduce` reads back and per-block passes over all
 * channels.
 */
export const SCAN_CHUNK = 8 * CHUNK;

export function kindOf(plan: FusedPlan): Kind {
  if (plan.family === 'adam') return plan.amsgrad ? KIND.adamAmsgrad : KIND.adam;
  if (plan.family === 'sgd') return plan.momentum !== 0 ? KIND.sgdMomentum : KIND.sgd;
  return KIND.adagrad;
}

/** Splits one tensor's work into row-aligned tasks of about UPDATE_CHUNK elements. */
export function tensorWork(plan: FusedPlan, tensor: number, layout: Layout, gcEnabled: boolean): TensorWork {
  const applies = (rule: 'gc' | 'gcc' | 'none') => gcEnabled && gcApplies(layout.rank, rule);
  const onGradient = applies(plan.gradientRule);
  const gcUpdate = plan.family === 'adam' && applies(plan.updateRule);
  const kind = kindOf(plan);
  const { outer, channels, inner, size } = layout;
  const tasks: Task[] = [];
  // `rowIsChannel`: row r of these rows is channel r (its given mean is the r-th)
  const rowsOf = (len: number, rows: number, start: number, rowIsChannel: boolean) => {
    const rowsPerTask = Math.max(1, Math.floor(UPDATE_CHUNK / len));
    for (let r = 0; r < rows; r += rowsPerTask) {
      const channel0 = rowIsChannel ? r : 0;
      tasks.push({ tensor, start: start + r * len, rows: Math.min(rowsPerTask, rows - r), len, channel0 });
    }
  };
  const none = GC_MEANS.none;
  if (onGradient || gcUpdate) {
    if (outer === 1) {
      rowsOf(inner, channels, 0, true);
      const gcGradient = onGradient ? GC_MEANS.rowComputed : none;
      return { kind, gcGradient, gcUpdate, updateMeans: none, tasks };
    }
    // channels are not rows: the gradient's and the update's means are given per column or per row
    const given = inner === 1 ? GC_MEANS.columnGiven : GC_MEANS.rowGiven;
    if (inner === 1) rowsOf(channels, outer, 0, false);
    else for (let o = 0; o < outer; o++) rowsOf(inner, channels, o * channels * inner, true);
    const updateMeans = gcUpdate ? given : none;
    return { kind, gcGradient: onGradient ? given : none, gcUpdate, updateMeans, tasks };
  }
  const len = Math.min(size, UPDATE_CHUNK);
  const full = Math.floor(size / len);
  // full chunks in groups, so a huge tensor is still several tasks (balance between threads)
  for (let r = 0; r < full; r++) tasks.push({ tensor, start: r * len, rows: 1, len });
  if (size % len) tasks.push({ tensor, start: full * len, rows: 1, len: size % len });
  return { kind, gcGradient: GC_MEANS.none, gcUpdate, updateMeans: GC_MEANS.none, tasks };
}

/**
 * One block of a tensor's gradient that the scan kernel reads once, before any update: checked for
 * NaN/±Infinity and, when `sums`, summed per channel in float64. The tensor is viewed as
 * [outer, channels, inner]; the block is `outer` slices from element `start`, `channels` channels from
 * `channel0` of each. A block holding whole channels writes their means (`part` −1); a block of a
 * slice range writes partial sums (vector `part` of the tensor's partials) that `reduce` adds up.
 * Without sums, a plain run of `inner` elements from `start` (outer 1, channels 1).
 */
export interface ScanTask {
  readonly tensor: number;
  readonly start: number;
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
  readonly channel0: number;
  readonly sums: boolean;
  readonly part: number;
}

/** The scan blocks of one tensor and how many partial-sum vectors they write (0: none to reduce). */
export interface TensorScan {
  readonly tasks: ScanTask[];
  readonly parts: number;
}

/**
 * The scan blocks of one tensor, each about SCAN_CHUNK contiguous elements where it can be: channels first
 * (outer 1), blocks of whole channels that finish their means; any other layout, ranges of whole
 * slices with every channel (contiguous memory, each line read from DRAM once; the block's channel sums
 * stay in L1 while the kernel adds its slices into them) whose partial sums `reduce` adds up. Without
 * `sums`, plain SCAN_CHUNK runs for the finiteness check alone.
 */
export function scanTasks(tensor: number, layout: Layout, sums: boolean): TensorScan {
  const { outer, channels, inner, size } = layout;
  const tasks: ScanTask[] = [];
  if (!sums) {
    for (let s = 0; s < size; s += SCAN_CHUNK) {
      const len = Math.min(SCAN_CHUNK, size - s);
      tasks.push({ tensor, start: s, outer: 1, channels: 1, inner: len, channel0: 0, sums, part: -1 });
    }
    return { tasks, parts: 0 };
  }
  if (outer === 1) {
    // whole groups of SCAN_STREAMS channels where there are as many: the kernel reads a block's channels
    // that many at a time, each its own read stream, and the rest one at a time (one stream)
    const fit = Math.max(1, Math.floor(SCAN_CHUNK / inner));
    const width = channels >= SCAN_STREAMS ? Math.max(SCAN_STREAMS, fit - (fit % SCAN_STREAMS)) : fit;
    for (let c = 0; c < channels; c += width) {
      const n = Math.min(width, channels - c);
      tasks.push({ tensor, start: c * inner, outer: 1, channels: n, inner, channel0: c, sums, part: -1 });
    }
    return { tasks, parts: 0 };
  }
  const slices = Math.max(1, Math.floor(SCAN_CHUNK / (channels * inner)));
  for (let o = 0, part = 0; o < outer; o += slices, part++) {
    const n = Math.min(slices, outer - o);
    tasks.push({ tensor, start: o * channels * inner, outer: n, channels, inner, channel0: 0, sums, part });
  }
  return { tasks, parts: tasks.length };
}

/** Whether the host gives this tensor's gradient means (per channel, before the kernels run). */
export function meansGiven(work: TensorWork): boolean {
  return work.gcGradient === GC_MEANS.rowGiven || work.gcGradient === GC_MEANS.columnGiven;
}

/**
 * The float64 mean of `g + wd·p` over each output channel of a tensor whose channels are not rows,
 * into `out` (one per channel): what GC subtracts from the gradient there.
 */
export function channelMeans(p: FloatArray, g: FloatArray, layout: Layout, wd: number, out: Float64Array): void {
  const { outer, channels, inner } = layout;
  out.fill(0, 0, channels);
  if (inner === 1) {
    // output axis last: each element is its own channel's next term (same sums as below, no inner loop: 2× faster)
    for (let o = 0, j = 0; o < outer; o++) for (let c = 0; c < channels; c++, j++) out[c] += g[j] + wd * p[j];
    for (let c = 0; c < channels; c++) out[c] /= outer;
    return;
  }
  for (let o = 0, j = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let end = j + inner; j < end; j++) sum += g[j] + wd * p[j];
      out[c] += sum;
    }
  }
  for (let c = 0; c < channels; c++) out[c] /= outer * inner;
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
