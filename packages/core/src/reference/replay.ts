import ndarray from 'ndarray';
import { InvalidArgumentError } from '../errors.js';
import type { Optimizer, Param } from '../optimizers/types.js';
import type { DType, FloatArray } from '../tensor/floatArray.js';
import type { Family } from './registry.js';
import type { WarningHandler } from '../warnings.js';
import { fromReferenceKwargs } from './kwargs.js';
import { TOLERANCE, type GoldenFile, type GoldenInputs, type GoldenRun, type GoldenTensor } from './goldenFormat.js';
import { GoldenFormatError, validateGoldenFile, validateGoldenInputs } from './goldenValidation.js';
import { isAxisLayout, permutedTensor, permuteValues, type AxisLayout } from './axisLayout.js';

/** What a backend is asked to replay: one case in one precision and one axis layout. */
export interface ReplayRun {
  /** The core optimizer built from the case's kwargs (backends that wrap the core step it). */
  readonly optimizer: Optimizer;
  /** The reference class and kwargs, for adapters that build their own optimizer from them. */
  readonly reference: { readonly name: string; readonly family: Family; readonly kwargs: Record<string, unknown> };
  readonly dtype: DType;
  /** Per parameter: its name, its shape and output axis in the replayed layout. */
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly outAxes: readonly number[];
  /** Row-major in the replayed layout. */
  readonly init: readonly FloatArray[];
  readonly grads: readonly (readonly FloatArray[])[];
  readonly onWarning: WarningHandler;
}

/** Per parameter: the step count and the state arrays by PyTorch name, row-major in the replayed layout. */
export interface ReplayState {
  readonly tensors: readonly { readonly step: number; readonly slots: Readonly<Record<string, ArrayLike<number>>> }[];
}

export interface ReplayResult {
  /** The parameters after every step, row-major in the replayed layout. */
  readonly params: readonly (readonly ArrayLike<number>[])[];
  readonly state?: ReplayState;
  /** Set when the case ran on the backend's documented fallback instead of its own kernels: why. */
  readonly fallback?: string;
}

/**
 * Runs `steps` optimizer steps from `init` with the recorded gradients and returns the parameters
 * after every step and the final state. The default backend is the core's `stepInPlace`; another
 * backend (a fused fast path, GPU kernels, an adapter) replays the same files by passing its own function.
 */
export type ReplayBackend = (run: ReplayRun) => ReplayResult;
/** A backend that steps asynchronously (GPU, tfjs, ONNX Runtime): for `replayGoldenAsync`. */
export type AsyncReplayBackend = (run: ReplayRun) => ReplayResult | Promise<ReplayResult>;

/** Replays with the core's in-place step (`mode: 'pure'` uses the pure `step` instead). */
export function coreBackend(mode: 'in-place' | 'pure' = 'in-place'): ReplayBackend {
  return ({ optimizer, shapes, outAxes, init, grads }) => {
    let params: Param[] = init.map((data, i) => ({
      value: ndarray(data.slice(), shapes[i].slice()),
      outAxis: outAxes?.[i] ?? 0,
    }));
    let state = optimizer.init(params);
    const trajectory: FloatArray[][] = [];
    for (const stepGrads of grads) {
      if (mode === 'pure') ({ params, state } = optimizer.step(params, stepGrads, state));
      else optimizer.stepInPlace(params, stepGrads, state);
      trajectory.push(params.map((p) => (p.value.data as FloatArray).slice()));
    }
    return { params: trajectory, state };
  };
}

/** Which recorded trajectory a replay compares against (docs/ALGORITHMS.md §0.4). */
export type Precision = 'float64' | 'float64_nocast' | 'float32';

/** The outcome of replaying one golden case in one precision. */
export interface CaseReport {
  readonly id: string;
  readonly precision: Precision;
  /** Largest `|a−b|/max(1,|b|)` over all parameters and steps and the final state. */
  readonly maxRelError: number;
  readonly tolerance: number;
  readonly passed: boolean;
  /** Set when the run threw instead of producing a trajectory. */
  readonly failure?: string;
  /** Set when the backend ran its documented fallback for this case (see `ReplayResult.fallback`). */
  readonly fallback?: string;
}

/** Whether gcopt rejects an argument the reference rejects, with the reference's message. */
export interface ErrorRecordReport {
  readonly kwargs: Record<string, unknown>;
  readonly expected: string;
  readonly got: string;
  readonly passed: boolean;
}

/** The outcome of replaying one golden file: every case, every error record, every accepted argument. */
export interface ReplayReport {
  readonly optimizer: string;
  readonly family: Family;
  readonly layout: AxisLayout;
  readonly cases: CaseReport[];
  /** Reference `errors` (must throw) and `accepted` (must construct) records. */
  readonly errorRecords: ErrorRecordReport[];
}

/** Options of `replayGolden`. */
export interface ReplayOptions {
  backend?: ReplayBackend;
  /** Receives the optimizers' warnings (default: ignored — the fixtures' `[3,1]` tensor is zeroed by design). */
  onWarning?: WarningHandler;
  /** Where each tensor's output axis sits (default `'first'`, as recorded); see `AxisLayout`. */
  layout?: AxisLayout;
  /**
   * The precisions the backend computes in (default both). A float32-only backend replays the
   * float32 recording only; `float64` also replays `float64_nocast` where a file has it.
   */
  dtypes?: readonly DType[];
}

export interface AsyncReplayOptions extends Omit<ReplayOptions, 'backend'> {
  backend: AsyncReplayBackend;
}

/** One case in one precision: how to run it and what to compare the result with. */
interface ReplayJob {
  readonly id: string;
  readonly precision: Precision;
  readonly tolerance: number;
  readonly run: () => ReplayRun;
  readonly check: (result: ReplayResult) => number;
}

/** Replays every case of a gc-golden/1 file in every precision it records, plus its error records. */
export function replayGolden(golden: GoldenFile, inputs: GoldenInputs, options: ReplayOptions = {}): ReplayReport {
  const backend = options.backend ?? coreBackend();
  const { jobs, finish } = prepare(golden, inputs, options);
  return finish(jobs.map((job) => runJob(job, () => backend(job.run()))));
}

/** `replayGolden` with a backend that may return a promise; cases run one after another. */
export async function replayGoldenAsync(
  golden: GoldenFile,
  inputs: GoldenInputs,
  options: AsyncReplayOptions,
): Promise<ReplayReport> {
  const { jobs, finish } = prepare(golden, inputs, options);
  const reports: CaseReport[] = [];
  for (const job of jobs) {
    let result: ReplayResult | Error;
    try {
      result = await options.backend(job.run());
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    reports.push(
      runJob(job, () => {
        if (result instanceof Error) throw result;
        return result;
      }),
    );
  }
  return finish(reports);
}

function runJob(job: ReplayJob, execute: () => ReplayResult): CaseReport {
  const { id, precision, tolerance } = job;
  try {
    const result = execute();
    const err = job.check(result);
    const fallback = result.fallback === undefined ? {} : { fallback: result.fallback };
    return { id, precision, maxRelError: err, tolerance, passed: err <= tolerance, ...fallback };
  } catch (e) {
    return { id, precision, maxRelError: Infinity, tolerance, passed: false, failure: (e as Error).message };
  }
}

function prepare(golden: GoldenFile, inputs: GoldenInputs, options: Omit<ReplayOptions, 'backend'>) {
  validateGoldenFile(golden);
  validateGoldenInputs(inputs);
  checkParamsMatch(golden, inputs);
  const layout = options.layout ?? 'first';
  const dtypes = options.dtypes ?? ['float64', 'float32'];
  if (!isAxisLayout(layout)) throw new InvalidArgumentError('layout', layout, "must be 'first', 'last' or 'middle'");
  const onWarning = options.onWarning ?? (() => {});
  const recorded = golden.params.map((p) => p.shape);
  const tensors = recorded.map((shape) => permutedTensor(shape, layout));
  const permute = (values: ArrayLike<number>, i: number, dtype: DType) =>
    permuteValues(values, recorded[i], tensors[i].perm, dtype);
  const jobs: ReplayJob[] = [];
  golden.cases.forEach((c, index) => {
    if (c.steps > inputs.max_steps) {
      const problem = `${c.steps} steps, the inputs file records ${inputs.max_steps}`;
      throw new GoldenFormatError(`cases[${index}].steps`, problem);
    }
    const castRun = c.float64_nocast !== undefined;
    const precisions: [Precision, GoldenRun, number][] = [];
    if (dtypes.includes('float64')) {
      precisions.push(['float64', c.float64, castRun ? TOLERANCE.float64CastToFloat32 : TOLERANCE.float64]);
      if (c.float64_nocast) precisions.push(['float64_nocast', c.float64_nocast, TOLERANCE.float64]);
    }
    if (dtypes.includes('float32')) precisions.push(['float32', c.float32, TOLERANCE.float32]);
    for (const [precision, run, tolerance] of precisions) {
      const dtype: DType = precision === 'float32' ? 'float32' : 'float64';
      const src = dtype === 'float32' ? inputs.float32 : inputs.float64;
      // the float32 recording has no state: its final state is held to the float64 run's (the
      // reference's float32 computation for the cast RAdam family) at the float32 tolerance
      const expectedState = run.state ?? c.float64.state;
      jobs.push({
        id: c.id,
        precision,
        tolerance,
        run: () => ({
          optimizer: fromReferenceKwargs(golden.optimizer, golden.family, c.kwargs, { onWarning }),
          reference: { name: golden.optimizer, family: golden.family, kwargs: c.kwargs },
          dtype,
          names: golden.params.map((p) => p.name),
          shapes: tensors.map((t) => t.shape),
          outAxes: tensors.map((t) => t.outAxis),
          init: src.init.map((values, i) => permute(values, i, dtype)),
          grads: src.grads.slice(0, c.steps).map((g) => g.map((values, i) => permute(values, i, dtype))),
          onWarning,
        }),
        check: (result) => {
          const expected = run.params.map((stepParams) => stepParams.map((values, i) => permute(values, i, 'float64')));
          let err = trajectoryError(result.params, expected);
          if (expectedState) err = Math.max(err, stateError(result.state, expectedState, permute));
          return err;
        },
      });
    }
  });
  const finish = (cases: CaseReport[]): ReplayReport => ({
    optimizer: golden.optimizer,
    family: golden.family,
    layout,
    cases,
    errorRecords: checkErrorRecords(golden, onWarning),
  });
  return { jobs, finish };
}

function checkParamsMatch(golden: GoldenFile, inputs: GoldenInputs): void {
  const a = JSON.stringify(golden.params);
  const b = JSON.stringify(inputs.params);
  if (a !== b) {
    const problem = `the inputs file describes other parameters (${b}) than the golden file (${a})`;
    throw new GoldenFormatError('params', problem);
  }
}

/** `|a − b| / max(1, |b|)`, the golden tolerances' measure; 0 when both are NaN, Infinity when one is. */
export function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, relativeError(a[i], b[i]));
  return m;
}

function trajectoryError(ours: ReplayResult['params'], theirs: FloatArray[][]): number {
  if (!Array.isArray(ours) || ours.length !== theirs.length) return Infinity;
  let m = 0;
  theirs.forEach((stepParams, t) => {
    stepParams.forEach((values, i) => (m = Math.max(m, maxError(ours[t]?.[i] ?? [], values))));
  });
  return m;
}

/**
 * Compares every recorded state entry (permuted into the replayed layout); Lookahead's `inner.X`
 * entries are gcopt's `X` slots. A recorded entry the backend does not return fails the case.
 */
function stateError(
  ours: ReplayState | undefined,
  theirs: readonly Record<string, number | GoldenTensor>[],
  permute: (values: ArrayLike<number>, i: number, dtype: DType) => FloatArray,
): number {
  if (!ours) return Infinity;
  let m = 0;
  theirs.forEach((entries, i) => {
    const ts = ours.tensors[i];
    if (!ts) return (m = Infinity);
    for (const [key, value] of Object.entries(entries)) {
      const slot = key.startsWith('inner.') ? key.slice('inner.'.length) : key;
      if (typeof value === 'number') m = Math.max(m, slot === 'step' ? relativeError(ts.step, value) : Infinity);
      else m = Math.max(m, ts.slots[slot] ? maxError(ts.slots[slot], permute(value.data, i, 'float64')) : Infinity);
    }
  });
  return m;
}

function checkErrorRecords(golden: GoldenFile, onWarning: WarningHandler): ErrorRecordReport[] {
  const out: ErrorRecordReport[] = [];
  for (const rec of golden.errors ?? []) {
    const expected =
      rec.phase === 'step' ? `${rec.error} at step ${rec.step} (gcopt: rejected at construction)` : rec.message;
    try {
      fromReferenceKwargs(golden.optimizer, golden.family, rec.kwargs, { onWarning });
      out.push({ kwargs: rec.kwargs, expected, got: 'constructed without error', passed: false });
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) {
        out.push({ kwargs: rec.kwargs, expected, got: `${(e as Error).name}: ${(e as Error).message}`, passed: false });
        continue;
      }
      // constructor errors must say what the reference says; step errors are raised earlier by design
      const passed = rec.phase === 'step' ? true : sameMessage(e.referenceMessage, rec.message);
      out.push({ kwargs: rec.kwargs, expected, got: e.message, passed });
    }
  }
  for (const rec of golden.accepted ?? []) {
    try {
      fromReferenceKwargs(golden.optimizer, golden.family, rec.kwargs, { onWarning });
      out.push({ kwargs: rec.kwargs, expected: 'accepted', got: 'accepted', passed: true });
    } catch (e) {
      out.push({ kwargs: rec.kwargs, expected: 'accepted', got: (e as Error).message, passed: false });
    }
  }
  return out;
}

/**
 * Compares a reference message with gcopt's rendition of it. Numbers are compared by value: JSON
 * does not keep Python's int/float distinction (`lr=-1` prints "-1", `lr=-1.0` prints "-1.0").
 */
export function sameMessage(ours: string, theirs: string): boolean {
  const normalize = (s: string) => s.replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, (m) => String(Number(m)));
  return ours === theirs || normalize(ours) === normalize(theirs);
}
