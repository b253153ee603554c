import ndarray from 'ndarray';
import { InvalidArgumentError, NonFiniteGradientError, ShapeMismatchError } from '../errors.js';
import { resolveLearningRate } from '../optimizers/recipeOptimizer.js';
import type { Optimizer, OptimizerState, Param } from '../optimizers/types.js';
import { allocate, type DType, type FloatArray } from '../tensor/floatArray.js';
import { layoutOf, type Layout } from '../tensor/layout.js';
import { compilePlan } from '../plan/compilePlan.js';
import { planSlots, type FusedPlan } from '../plan/fusedPlan.js';
import { emitWarning, notFusedWarning, type WarningHandler } from '../warnings.js';
import { applyCentredUpdate, firstNonFinite, runJsTask, type TaskArrays } from './jsKernels.js';
import {
  channelMeans,
  GC_MEANS,
  KIND,
  meansGiven,
  SCALAR_COUNT,
  SCAN_SLOT,
  scanTasks,
  SLOT,
  stepScalars,
  tensorWork,
  GC_UPDATE,
  type ScanTask,
  type Task,
  type TensorScan,
  type TensorWork,
} from './tasks.js';
import { prestartBrowserWorkers } from './threads/browserWorkers.js';
import { autoThreads, PARAMS_PER_THREAD } from './threads/threadChoice.js';
import { CONTROL_INTS, nodeBuiltin, ThreadPool } from './threads/threadPool.js';
import { TASK_SLOTS } from './wasm/kernelsBinary.js';
import {
  compileKernels,
  kernelBytes,
  kernelModule,
  sharedMemorySupported,
  wasmSimdSupported,
  type KernelExports,
} from './wasm/loadKernels.js';

/** A parameter the fast optimizer allocates: its shape, GC layout and optional initial values. */
export interface FastParamSpec {
  readonly shape: readonly number[];
  /** Output-channel axis (default 0, PyTorch layout). */
  readonly outAxis?: number;
  /** false excludes the tensor from GC. */
  readonly gc?: boolean;
  readonly name?: string;
  /** Initial values, row-major (default zeros; or write into `params[i].value.data` later). */
  readonly init?: ArrayLike<number>;
}

/**
 * `'wasm-simd'`: fused f32x4 kernels (optionally on worker threads); `'js'`: the fused plain-JS loops;
 * `'core'`: the optimizer's own recipe (not covered).
 */
export type FastBackend = 'wasm-simd' | 'js' | 'core';

/** Options of `createFastOptimizer`: which kernels, how many threads, which dtype. */
export interface FastOptions {
  /** `'auto'` (default): WebAssembly SIMD when available and the dtype is float32, else JS. */
  backend?: 'auto' | 'wasm-simd' | 'js';
  /**
   * Threads for the WebAssembly backend, this one included (default: all cores in Node, but one per
   * 2^18 parameters at most, so a small model runs on one thread; 1 elsewhere).
   */
  threads?: number;
  /** Parameter dtype (default float32; float64 runs the JS kernels). */
  dtype?: DType;
  /** Receives the `not-fused` warning (a recipe the fast path runs on the core path) instead of the global handler. */
  onWarning?: WarningHandler;
}

/** Options of one fast-path step. */
export interface FastStepOptions {
  /** This step's learning rate (overrides the optimizer's value or schedule). */
  lr?: number;
  /** Reject NaN/±Inf gradients before anything changes (default true, as the core). */
  checkFinite?: boolean;
  /** `skip[i]` true: tensor i has no gradient this step (the core's `null` gradient). */
  skip?: readonly boolean[];
  /** Filled with the wall times of this step's phases (for profiling; the step itself is unchanged). */
  phases?: StepPhases;
}

/**
 * Where one step's time went (ms), as `step({ phases })` reports it. The WebAssembly backend reads every
 * gradient once before it writes anything (so that a rejected step changes nothing), then updates:
 * `scanMs` is that read — the NaN/Inf check and GC's channel sums — and `updateMs` the rest. The 'js'
 * backend times its finiteness check as `scanMs` (its channel means are computed with the update); the
 * core path reports its whole step as `updateMs`.
 */
export interface StepPhases {
  /** The read of every gradient before any write (NaN/Inf check, GC's channel sums), in ms. */
  scanMs: number;
  /** The rest of the step: the fused update passes (and GC on the update where it applies), in ms. */
  updateMs: number;
}

/**
 * A GC optimizer whose parameters, gradients and state live in memory the fast path owns, so a
 * step is one pass of fused kernels over them with no copies. Write gradients into `grads[i]`,
 * call `step()`; `params` are ndarray views (usable wherever a core `Param` is) and `state` is an
 * ordinary core `OptimizerState` whose slots are views too, so `optimizer.stepInPlace(params, grads,
 * state)` on the same objects computes the same step on the core path.
 */
export interface FastOptimizer {
  readonly optimizer: Optimizer;
  readonly params: Param[];
  readonly grads: FloatArray[];
  readonly state: OptimizerState;
  readonly backend: FastBackend;
  /** Threads a step runs on. */
  readonly threads: number;
  /** The fused plan, or null when the optimizer runs on the core path. */
  readonly plan: FusedPlan | null;
  /** Why a faster backend was not used, if one was not. */
  readonly note: string;
  step(options?: FastStepOptions): void;
  /** Stops the worker threads (the arrays stay readable). */
  dispose(): void;
}

/** Whether the fast path fuses this optimizer's recipe (`compilePlan` gives a plan); else it runs the core path. */
export function fastPathCovers(optimizer: Pick<Optimizer, 'recipe'>): boolean {
  return compilePlan(optimizer.recipe).plan !== null;
}

// every array, table and partial-sum vector starts on a cache line: two threads writing neighbouring
// blocks (the scan's per-block channel sums in tfjs layout, each rewritten once per slice) never share
// one. At 16-byte alignment the tfjs-layout scan of ResNet-50 took 2.76 ms instead of 2.3 in the runs where
// this VM's memory was fast (paired A/B, 2 threads; in the others no difference): benchmarks/RESULTS.md
const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;
const CONTROL_OFFSET = 64;
const TASK_BYTES = TASK_SLOTS * 8;
const MAX_WASM_BYTES = 65536 * 65536;

/**
 * Makes a fast optimizer for `optimizer` over new parameters of the given shapes. Compiles the
 * kernels asynchronously (required in browsers for modules over 4 KB), then as
 * `createFastOptimizerSync`.
 */
export async function createFastOptimizer(
  optimizer: Optimizer,
  specs: readonly FastParamSpec[],
  options: FastOptions = {},
): Promise<FastOptimizer> {
  if (wasmSimdSupported())
    await Promise.all([compileKernels(false), ...(sharedMemorySupported() ? [compileKernels(true)] : [])]);
  // in a browser, threads are Workers that must be running before the pool starts (threads/browserWorkers.ts)
  if (typeof options.threads === 'number' && options.threads > 1) await prestartBrowserWorkers(options.threads - 1);
  return createFastOptimizerSync(optimizer, specs, options);
}

/** `createFastOptimizer` without awaiting: compiles synchronously (fine in Node and in workers). */
export function createFastOptimizerSync(
  optimizer: Optimizer,
  specs: readonly FastParamSpec[],
  options: FastOptions = {},
): FastOptimizer {
  if (!Array.isArray(specs))
    throw new InvalidArgumentError('specs', specs, 'must be an array of {shape, outAxis?, gc?, name?, init?}');
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new InvalidArgumentError('dtype', dtype, "must be 'float32' or 'float64'");
  const requested = options.backend ?? 'auto';
  if (!['auto', 'wasm-simd', 'js'].includes(requested))
    throw new InvalidArgumentError('backend', requested, "must be 'auto', 'wasm-simd' or 'js'");
  const layouts = specs.map((s, i) => layoutOf(s.shape, s.outAxis ?? 0, `specs[${i}].shape`));
  const { plan, reason, transform } = compilePlan(optimizer.recipe);
  if (requested === 'wasm-simd' && plan) {
    // asked for WebAssembly by name: past one memory's 4 GiB, say so before allocating anything
    const bytes = layouts.reduce((n, l) => n + l.size, 0) * 4 * (2 + planSlots(plan).length);
    if (bytes > MAX_WASM_BYTES) {
      const why = `the parameters, gradients and state need ${bytes} bytes, past the 4 GiB a WebAssembly memory holds`;
      throw new InvalidArgumentError('backend', requested, `not possible: ${why}`);
    }
  }
  // the core makes the initial state (its init validates, warns about fan-in-1 tensors, fills slots)
  const initial = specs.map((s, i) => {
    const a = allocate(dtype, layouts[i].size);
    if (s.init !== undefined) {
      if (s.init.length !== a.length)
        throw new ShapeMismatchError(
          `specs[${i}].init has ${s.init.length} values, shape [${s.shape}] holds ${a.length}`,
        );
      a.set(s.init);
    }
    return a;
  });
  const coreParams = (arrays: FloatArray[]): Param[] =>
    specs.map((s, i) => ({
      value: ndarray(arrays[i], [...layouts[i].shape]),
      outAxis: s.outAxis ?? 0,
      gc: s.gc,
      name: s.name,
    }));
  const coreState = optimizer.init(coreParams(initial));

  let note = '';
  if (!plan) note = `${optimizer.name}: recipe not fused by the fast path (${reason})`;
  else if (requested !== 'js' && dtype !== 'float32')
    note = 'the WebAssembly kernels are float32; float64 runs the JS kernels';
  else if (requested !== 'js' && !wasmSimdSupported()) note = 'WebAssembly SIMD unavailable';
  const wasmPossible = plan !== null && dtype === 'float32' && requested !== 'js' && wasmSimdSupported();
  if (requested === 'wasm-simd' && !wasmPossible)
    throw new InvalidArgumentError('backend', requested, `not available here: ${note}`);
  if (!plan) emitWarning(notFusedWarning('the fast path', optimizer.name, transform, reason), options.onWarning);

  if (plan && wasmPossible) {
    const made = wasmOptimizer(optimizer, plan, specs, layouts, initial, coreState, options.threads);
    if (made) return made;
    note = 'the parameters and state exceed the 4 GiB a WebAssembly memory can hold';
  }
  const grads = initial.map((a) => allocate(dtype, a.length));
  const params = coreParams(initial);
  return plan
    ? jsOptimizer(optimizer, plan, specs, layouts, params, grads, coreState, note)
    : coreOptimizer(optimizer, params, grads, coreState, note);
}

/** Shared by every backend: lr, skip mask and per-tensor step counts, the core's way. */
function beginStep(optimizer: Optimizer, state: OptimizerState, n: number, opts: FastStepOptions) {
  const count = state.count + 1;
  const lr = resolveLearningRate(opts.lr ?? optimizer.hyper.lr, count);
  if (opts.skip !== undefined && (!Array.isArray(opts.skip) || opts.skip.length !== n)) {
    throw new ShapeMismatchError(`${optimizer.name}: skip must be an array of ${n} booleans`);
  }
  // a plain loop: Array.from with a map function took ~13 µs of a step's host time with 161 tensors
  const active = new Array<boolean>(n);
  const skip = opts.skip;
  for (let i = 0; i < n; i++) active[i] = skip?.[i] !== true;
  return { count, lr, active };
}

function finishStep(state: OptimizerState, active: boolean[], count: number): void {
  state.tensors.forEach((ts, i) => {
    if (active[i]) ts.step += 1;
  });
  state.count = count;
}

function throwNonFinite(params: Param[], grads: FloatArray[], i: number, start = 0, end = grads[i].length): never {
  const j = firstNonFinite(grads[i], start, end);
  throw new NonFiniteGradientError(i, params[i].name, j, grads[i][j]);
}

function coreOptimizer(
  optimizer: Optimizer,
  params: Param[],
  grads: FloatArray[],
  state: OptimizerState,
  note: string,
): FastOptimizer {
  return {
    optimizer,
    params,
    grads,
    state,
    backend: 'core',
    threads: 1,
    plan: null,
    note,
    step(opts = {}) {
      const t0 = performance.now();
      const { lr, active } = beginStep(optimizer, state, params.length, opts);
      optimizer.stepInPlace(
        params,
        grads.map((g, i) => (active[i] ? g : null)),
        state,
        { lr, checkFinite: opts.checkFinite },
      );
      recordPhases(opts.phases, t0, t0);
    },
    dispose() {},
  };
}

function jsOptimizer(
  optimizer: Optimizer,
  plan: FusedPlan,
  specs: readonly FastParamSpec[],
  layouts: Layout[],
  params: Param[],
  grads: FloatArray[],
  state: OptimizerState,
  note: string,
): FastOptimizer {
  const works = layouts.map((l, i) => tensorWork(plan, i, l, specs[i].gc !== false));
  const slotNames = planSlots(plan);
  const arrays: TaskArrays[] = params.map((p, i) => {
    const s = slotNames.map((name) => state.tensors[i].slots[name]);
    return { p: p.value.data as FloatArray, g: grads[i], s1: s[0], s2: s[1], s3: s[2] };
  });
  const scratch = new Float64Array(Math.max(4, ...works.flatMap((w) => (w.gcUpdate ? w.tasks.map((t) => t.len) : []))));
  const means = works.map((w, i) => (meansGiven(w) ? new Float64Array(layouts[i].channels) : null));
  // GC on the update where channels are not rows: each such tensor's updates and their channel means
  const staged = works.map((w) => w.updateMeans !== GC_MEANS.none);
  const updates = layouts.map((l, i) => (staged[i] ? new Float64Array(l.size) : null));
  const updateMeans = layouts.map((l, i) => (staged[i] ? new Float64Array(l.channels) : null));
  const k = new Float64Array(SCALAR_COUNT);
  return {
    optimizer,
    params,
    grads,
    state,
    backend: 'js',
    threads: 1,
    plan,
    note,
    step(opts = {}) {
      const t0 = performance.now();
      const { count, lr, active } = beginStep(optimizer, state, params.length, opts);
      if (opts.checkFinite !== false) {
        grads.forEach((g, i) => {
          if (active[i] && firstNonFinite(g) >= 0) throwNonFinite(params, grads, i);
        });
      }
      const scanned = performance.now();
      works.forEach((w, i) => {
        if (!active[i]) return;
        stepScalars(plan, state.tensors[i].step + 1, lr, k);
        const m = means[i];
        if (m) channelMeans(arrays[i].p, arrays[i].g, layouts[i], plan.coupledDecay, m);
        const u = updates[i];
        for (const t of w.tasks) runJsTask(w.kind, arrays[i], t, w.gcGradient, w.gcUpdate, k, scratch, m, u);
        if (u) {
          const um = updateMeans[i]!;
          channelMeans(u, u, layouts[i], 0, um);
          applyCentredUpdate(arrays[i].p, u, layouts[i], um, k[8]);
        }
      });
      finishStep(state, active, count);
      recordPhases(opts.phases, t0, scanned);
    },
    dispose() {},
  };
}

/** Fills `phases` (when given) for a step that began at `t0` and finished its scan at `scanEnd`. */
function recordPhases(phases: StepPhases | undefined, t0: number, scanEnd: number): void {
  if (!phases) return;
  phases.scanMs = scanEnd - t0;
  phases.updateMs = performance.now() - scanEnd;
}

/** All cores in Node; 1 elsewhere (the browser build runs one thread). */
function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  return os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
}

function wasmOptimizer(
  optimizer: Optimizer,
  plan: FusedPlan,
  specs: readonly FastParamSpec[],
  layouts: Layout[],
  initial: FloatArray[],
  coreState: OptimizerState,
  requestedThreads: number | undefined,
): FastOptimizer | null {
  const total = layouts.reduce((n, l) => n + l.size, 0);
  let threads = requestedThreads ?? autoThreads(defaultThreads(), total);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError('threads', requestedThreads, 'must be a positive integer');
  }
  let note = '';
  if (requestedThreads === undefined && threads < defaultThreads()) {
    const why = `one per ${PARAMS_PER_THREAD}; pass threads to override`;
    note = `${threads} of ${defaultThreads()} threads for ${total} parameters (${why})`;
  }
  if (threads > 1 && !(sharedMemorySupported() && ThreadPool.available())) {
    note = 'no SharedArrayBuffer / worker threads here: one thread';
    threads = 1;
  }
  const shared = threads > 1;
  const works: TensorWork[] = layouts.map((l, i) => tensorWork(plan, i, l, specs[i].gc !== false));
  const updateTasks: Task[] = works.flatMap((w) => w.tasks);
  const firstTask: number[] = [];
  works.reduce((at, w) => (firstTask.push(at), at + w.tasks.length), 0);
  // the scan reads each gradient once before any update: the finiteness check and GC's channel sums together
  const tensorScans = layouts.map((l, i) => scanTasks(i, l, works[i].gcGradient !== GC_MEANS.none));
  const scans: ScanTask[] = tensorScans.flatMap((t) => t.tasks);
  const reduced = tensorScans.flatMap((t, i) => (t.parts > 0 ? [i] : []));
  // GC on the update where channels are not rows: u to the tensor's update array, scanned, then applied
  const isStaged = works.map((w) => w.updateMeans !== GC_MEANS.none);
  const staged = works.flatMap((_, i) => (isStaged[i] ? [i] : []));
  const updateScans = layouts.map((l, i) => (isStaged[i] ? scanTasks(i, l, true) : { tasks: [], parts: 0 }));
  const uScans: ScanTask[] = updateScans.flatMap((t) => t.tasks);
  const uReduced = updateScans.flatMap((t, i) => (t.parts > 0 ? [i] : []));
  const applyTasks: Task[] = staged.flatMap((i) => works[i].tasks);
  const scratchLen = Math.max(
    4,
    ...works.flatMap((w) => (w.gcUpdate && w.updateMeans === GC_MEANS.none ? w.tasks.map((t) => t.len) : [])),
  );
  const slotNames = planSlots(plan);

  // memory layout: control block, the two task tables, one scratch row per thread, then the tensors
  let at = CONTROL_OFFSET + CONTROL_INTS * 4;
  const take = (bytes: number) => {
    const here = align(at);
    at = here + bytes;
    return here;
  };
  const scanTable = take(scans.length * TASK_BYTES);
  const reduceTable = take(reduced.length * TASK_BYTES);
  const updateTable = take(updateTasks.length * TASK_BYTES);
  const uScanTable = take(uScans.length * TASK_BYTES);
  const uReduceTable = take(uReduced.length * TASK_BYTES);
  const applyTable = take(applyTasks.length * TASK_BYTES);
  const scratch = Array.from({ length: threads }, () => take(scratchLen * 4));
  const tensorAt = layouts.map((l) => ({
    p: take(l.size * 4),
    g: take(l.size * 4),
    slots: slotNames.map(() => take(l.size * 4)),
  }));
  // the float64 channel means the scan computes, for every tensor whose gradient is centred
  const meansAt = works.map((w, i) => (w.gcGradient !== GC_MEANS.none ? take(layouts[i].channels * 8) : 0));
  const partialsAt = tensorScans.map((t, i) => (t.parts > 0 ? take(t.parts * layouts[i].channels * 8) : 0));
  // each staged tensor's update array, its channel means and the partial sums of its scan
  const uAt = layouts.map((l, i) => (isStaged[i] ? take(l.size * 4) : 0));
  const uMeansAt = layouts.map((l, i) => (isStaged[i] ? take(l.channels * 8) : 0));
  const uPartialsAt = updateScans.map((t, i) => (t.parts > 0 ? take(t.parts * layouts[i].channels * 8) : 0));
  if (at > MAX_WASM_BYTES) return null;
  const pages = Math.ceil(at / 65536);
  const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
  const buffer = memory.buffer;

  const { params, grads, state } = viewsInMemory(buffer, specs, layouts, tensorAt, initial, coreState, slotNames);
  const table = (offset: number, n: number) => new Float64Array(buffer, offset, n * TASK_SLOTS);
  // scan records of `tasks` over the array at `source[tensor]`, whole channels' means to `means[tensor]`
  const scanRecordsOf = (at: number, tasks: ScanTask[], source: number[], means: number[], partials: number[]) => {
    const records = table(at, tasks.length);
    tasks.forEach((t, j) => {
      const r = records.subarray(j * TASK_SLOTS, (j + 1) * TASK_SLOTS);
      const { channels, inner } = layouts[t.tensor];
      r[SCAN_SLOT.g] = source[t.tensor] + t.start * 4;
      r[SCAN_SLOT.p] = tensorAt[t.tensor].p + t.start * 4;
      r[SCAN_SLOT.outer] = t.outer;
      r[SCAN_SLOT.channels] = t.channels;
      r[SCAN_SLOT.inner] = t.inner;
      r[SCAN_SLOT.stride] = channels * inner * 4;
      r[SCAN_SLOT.means] =
        t.part >= 0 ? partials[t.tensor] + t.part * t.channels * 8 : means[t.tensor] + t.channel0 * 8;
      // whole channels: their count divides the sums into means (a plain check reads it as its length)
      r[SCAN_SLOT.n] = t.part >= 0 ? 0 : t.outer * t.inner;
    });
    return records;
  };
  // reduce records of the tensors `which`: their partial sums into their means
  const reduceRecordsOf = (at: number, which: number[], scanned: TensorScan[], means: number[], partials: number[]) => {
    const records = table(at, which.length);
    which.forEach((i, j) => {
      const r = records.subarray(j * TASK_SLOTS, (j + 1) * TASK_SLOTS);
      r[SCAN_SLOT.g] = partials[i];
      r[SCAN_SLOT.parts] = scanned[i].parts;
      r[SCAN_SLOT.channels] = layouts[i].channels;
      r[SCAN_SLOT.means] = means[i];
      r[SCAN_SLOT.n] = layouts[i].outer * layouts[i].inner;
    });
    return records;
  };
  const gradientsAt = tensorAt.map((t) => t.g);
  const scanRecords = scanRecordsOf(scanTable, scans, gradientsAt, meansAt, partialsAt);
  // the gradient scan sums g + wd·p (the coupled L2 term is centred too); the update scan sums u alone
  scans.forEach((_, j) => (scanRecords[j * TASK_SLOTS + SCAN_SLOT.wd] = plan.coupledDecay));
  const reduceRecords = reduceRecordsOf(reduceTable, reduced, tensorScans, meansAt, partialsAt);
  const uScanRecords = scanRecordsOf(uScanTable, uScans, uAt, uMeansAt, uPartialsAt);
  const uReduceRecords = reduceRecordsOf(uReduceTable, uReduced, updateScans, uMeansAt, uPartialsAt);
  const applyRecords = table(applyTable, applyTasks.length);
  applyTasks.forEach((t, j) => {
    const r = applyRecords.subarray(j * TASK_SLOTS, (j + 1) * TASK_SLOTS);
    r[SLOT.p] = tensorAt[t.tensor].p + t.start * 4;
    r[SLOT.u] = uAt[t.tensor] + t.start * 4;
    r[SLOT.rows] = t.rows;
    r[SLOT.len] = t.len;
    r[SLOT.gcg] = works[t.tensor].updateMeans;
    r[SLOT.means] = uMeansAt[t.tensor] + (t.channel0 ?? 0) * 8;
  });
  const updates = table(updateTable, updateTasks.length);
  // the update table runs the tasks in reverse: the gradients the scan read last may still be in the
  // last-level cache when the update starts with them
  const row = (j: number) => updateTasks.length - 1 - j;
  updateTasks.forEach((t, j) => {
    const w = works[t.tensor];
    const r = updates.subarray(row(j) * TASK_SLOTS, (row(j) + 1) * TASK_SLOTS);
    const ptr = (base: number) => base + t.start * 4;
    r[SLOT.p] = ptr(tensorAt[t.tensor].p);
    r[SLOT.g] = ptr(tensorAt[t.tensor].g);
    tensorAt[t.tensor].slots.forEach((s, k) => (r[SLOT.s1 + k] = ptr(s)));
    r[SLOT.rows] = t.rows;
    r[SLOT.len] = t.len;
    // the scan gives channels-first tensors their row means too
    r[SLOT.gcg] = w.gcGradient === GC_MEANS.rowComputed ? GC_MEANS.rowGiven : w.gcGradient;
    r[SLOT.means] = meansAt[t.tensor] + (t.channel0 ?? 0) * 8;
    r[SLOT.gcu] = w.updateMeans !== GC_MEANS.none ? GC_UPDATE.toArray : w.gcUpdate ? GC_UPDATE.scratchRow : 0;
    r[SLOT.u] = uAt[t.tensor] + t.start * 4;
  });

  const bytes = kernelBytes(shared);
  const kernels = new WebAssembly.Instance(kernelModule(shared), { env: { memory } })
    .exports as unknown as KernelExports;
  const pool = shared ? ThreadPool.start(threads - 1, bytes, memory, CONTROL_OFFSET) : null;
  const run = (tableAt: number, count: number) => {
    if (pool) pool.run(kernels, tableAt, count, scratch);
    else kernels.run(tableAt, 0, count, scratch[0]);
  };
  const k = new Float64Array(SCALAR_COUNT);
  // each tensor's Adam step size s this step (the `apply` kernel's scalar)
  const stepSize = new Float64Array(layouts.length);
  // sets each task's kind (`kindOf`), then runs the table unless every task is skipped
  const runTasks = (tableAt: number, records: Float64Array, n: number, kindOf: (j: number) => number) => {
    let left = 0;
    for (let j = 0; j < n; j++) {
      const kind = kindOf(j);
      records[j * TASK_SLOTS + SCAN_SLOT.kind] = kind;
      if (kind !== KIND.skip) left++;
    }
    if (left > 0) run(tableAt, n);
  };

  return {
    optimizer,
    params,
    grads,
    state,
    backend: 'wasm-simd',
    threads,
    plan,
    note,
    step(opts = {}) {
      const t0 = performance.now();
      const { count, lr, active } = beginStep(optimizer, state, params.length, opts);
      const check = opts.checkFinite !== false;
      // every centred gradient is scanned for its means (the kernels take them as given), checked or not
      const scanned = works.map((w, i) => active[i] && (check || w.gcGradient !== GC_MEANS.none));
      runTasks(scanTable, scanRecords, scans.length, (j) => {
        const t = scans[j];
        scanRecords[j * TASK_SLOTS + SCAN_SLOT.result] = 0;
        if (!scanned[t.tensor] || !(check || t.sums)) return KIND.skip;
        return t.sums ? KIND.scan : KIND.nonFinite;
      });
      if (check) {
        scans.forEach((t, j) => {
          if (scanRecords[j * TASK_SLOTS + SCAN_SLOT.result] !== 0) throwNonFinite(params, grads, t.tensor);
        });
      }
      runTasks(reduceTable, reduceRecords, reduced.length, (j) => (scanned[reduced[j]] ? KIND.reduce : KIND.skip));
      const scanEnd = performance.now();
      // tensors at the same step count share their scalars: computed once per count, not per tensor
      let scalarsOf = -1;
      works.forEach((w, i) => {
        const kind = active[i] ? w.kind : KIND.skip;
        const t = state.tensors[i].step + 1;
        if (kind !== KIND.skip && t !== scalarsOf) {
          stepScalars(plan, t, lr, k);
          scalarsOf = t;
        }
        stepSize[i] = k[8];
        for (let j = firstTask[i], end = j + w.tasks.length; j < end; j++) {
          const r = row(j) * TASK_SLOTS;
          updates[r + SLOT.kind] = kind;
          // element by element: TypedArray.set into the shared memory costs about twice as much here
          if (kind !== KIND.skip) for (let s = 0; s < SCALAR_COUNT; s++) updates[r + SLOT.scalars + s] = k[s];
        }
      });
      run(updateTable, updateTasks.length);
      if (staged.some((i) => active[i])) {
        // GC on the update where channels are not rows: the update arrays' channel means, then p −= s·(u − mean)
        runTasks(uScanTable, uScanRecords, uScans.length, (j) => (active[uScans[j].tensor] ? KIND.scan : KIND.skip));
        runTasks(uReduceTable, uReduceRecords, uReduced.length, (j) => (active[uReduced[j]] ? KIND.reduce : KIND.skip));
        runTasks(applyTable, applyRecords, applyTasks.length, (j) => {
          const i = applyTasks[j].tensor;
          applyRecords[j * TASK_SLOTS + SLOT.scalars + 8] = stepSize[i];
          return active[i] ? KIND.applyCentred : KIND.skip;
        });
      }
      finishStep(state, active, count);
      recordPhases(opts.phases, t0, scanEnd);
    },
    dispose() {
      pool?.close();
    },
  };
}

/**
 * The parameters, gradients and state as views of the WebAssembly memory, filled from the initial values
 * and the core's initial state. A function of its own so that no closure of the optimizer keeps those
 * initial arrays alive (4 B/param and more after creation otherwise).
 */
function viewsInMemory(
  buffer: ArrayBufferLike,
  specs: readonly FastParamSpec[],
  layouts: Layout[],
  tensorAt: { p: number; g: number; slots: number[] }[],
  initial: FloatArray[],
  coreState: OptimizerState,
  slotNames: readonly string[],
): { params: Param[]; grads: Float32Array[]; state: OptimizerState } {
  const f32 = (offset: number, n: number) => new Float32Array(buffer, offset, n);
  const params: Param[] = specs.map((s, i) => {
    const view = f32(tensorAt[i].p, layouts[i].size);
    view.set(initial[i]);
    return { value: ndarray(view, [...layouts[i].shape]), outAxis: s.outAxis ?? 0, gc: s.gc, name: s.name };
  });
  const grads = layouts.map((l, i) => f32(tensorAt[i].g, l.size));
  const state: OptimizerState = {
    optimizer: coreState.optimizer,
    count: coreState.count,
    tensors: coreState.tensors.map((ts, i) => {
      const slots: Record<string, FloatArray> = {};
      for (const [name, values] of Object.entries(ts.slots)) {
        const k = slotNames.indexOf(name);
        if (k < 0) throw new Error(`fast path: unexpected state slot ${name} for ${coreState.optimizer}`);
        const view = f32(tensorAt[i].slots[k], layouts[i].size);
        view.set(values);
        slots[name] = view;
      }
      return { shape: ts.shape, outAxis: ts.outAxis, step: ts.step, slots };
    }),
  };
  return { params, grads, state };
}
