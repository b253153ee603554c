import ndarray from 'ndarray';
import { InvalidArgumentError } from '../errors.js';
import type { Optimizer, OptimizerState, Param } from '../optimizers/types.js';
import { allocate, type DType, type FloatArray } from '../tensor/floatArray.js';
import type { Family } from './registry.js';
import type { WarningHandler } from '../warnings.js';
import { fromReferenceKwargs } from './kwargs.js';
import { TOLERANCE, type GoldenFile, type GoldenInputs, type GoldenRun } from './goldenFormat.js';

/**
 * Runs `steps` optimizer steps from `init` with the recorded gradients and returns the parameters
 * after every step and the final state. The default engine is the core's `stepInPlace`; another
 * backend (a fused fast path, GPU kernels) can replay the same files by passing its own engine.
 */
export type ReplayEngine = (run: {
  optimizer: Optimizer;
  dtype: DType;
  shapes: readonly (readonly number[])[];
  init: readonly FloatArray[];
  grads: readonly (readonly FloatArray[])[];
}) => { params: FloatArray[][]; state?: OptimizerState };

/** Replays with the core's in-place step (`mode: 'pure'` uses the pure `step` instead). */
export function coreEngine(mode: 'in-place' | 'pure' = 'in-place'): ReplayEngine {
  return ({ optimizer, shapes, init, grads }) => {
    let params: Param[] = init.map((data, i) => ({ value: ndarray(data.slice(), shapes[i].slice()), outAxis: 0 }));
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
  /** Largest `|a−b|/max(1,|b|)` over all parameters and steps (and, for float64, the final state). */
  readonly maxRelError: number;
  readonly tolerance: number;
  readonly passed: boolean;
  /** Set when the run threw instead of producing a trajectory. */
  readonly failure?: string;
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
  readonly cases: CaseReport[];
  /** Reference `errors` (must throw) and `accepted` (must construct) records. */
  readonly errorRecords: ErrorRecordReport[];
}

/** Options of `replayGolden`. */
export interface ReplayOptions {
  engine?: ReplayEngine;
  /** Receives the optimizers' warnings (default: ignored — the fixtures' `[3,1]` tensor is zeroed by design). */
  onWarning?: WarningHandler;
}

/** Replays every case of a gc-golden/1 file in every precision it records, plus its error records. */
export function replayGolden(golden: GoldenFile, inputs: GoldenInputs, options: ReplayOptions = {}): ReplayReport {
  if (golden.schema !== 'gc-golden/1' || inputs.schema !== 'gc-golden/1') {
    throw new InvalidArgumentError('schema', golden.schema, "both files must be gc-golden/1 (see the README's replay section)");
  }
  const engine = options.engine ?? coreEngine();
  const onWarning = options.onWarning ?? (() => {});
  const shapes = golden.params.map((p) => p.shape);
  checkParamsMatch(golden, inputs);
  const cases: CaseReport[] = [];
  for (const c of golden.cases) {
    const precisions: [Precision, GoldenRun, number][] = [];
    const castRun = c.float64_nocast !== undefined;
    precisions.push(['float64', c.float64, castRun ? TOLERANCE.float64CastToFloat32 : TOLERANCE.float64]);
    if (c.float64_nocast) precisions.push(['float64_nocast', c.float64_nocast, TOLERANCE.float64]);
    precisions.push(['float32', c.float32, TOLERANCE.float32]);
    for (const [precision, run, tolerance] of precisions) {
      const dtype: DType = precision === 'float32' ? 'float32' : 'float64';
      try {
        const optimizer = fromReferenceKwargs(golden.optimizer, golden.family, c.kwargs, { onWarning });
        const src = dtype === 'float32' ? inputs.float32 : inputs.float64;
        const toArray = (values: number[]) => {
          const a = allocate(dtype, values.length);
          a.set(values);
          return a;
        };
        const result = engine({
          optimizer,
          dtype,
          shapes,
          init: src.init.map(toArray),
          grads: src.grads.slice(0, c.steps).map((g) => g.map(toArray)),
        });
        let err = trajectoryError(result.params, run.params);
        // tensor state is recorded for float64 runs; the float64 key of cast runs holds float32 state
        if (run.state && result.state && dtype === 'float64') err = Math.max(err, stateError(result.state, run.state));
        cases.push({ id: c.id, precision, maxRelError: err, tolerance, passed: err <= tolerance });
      } catch (e) {
        cases.push({ id: c.id, precision, maxRelError: Infinity, tolerance, passed: false, failure: (e as Error).message });
      }
    }
  }
  return { optimizer: golden.optimizer, family: golden.family, cases, errorRecords: checkErrorRecords(golden, onWarning) };
}

function checkParamsMatch(golden: GoldenFile, inputs: GoldenInputs): void {
  const a = JSON.stringify(golden.params);
  const b = JSON.stringify(inputs.params);
  if (a !== b) throw new InvalidArgumentError('inputs', 'params', `the inputs file describes other parameters (${b}) than the golden file (${a})`);
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

function trajectoryError(ours: FloatArray[][], theirs: number[][][]): number {
  if (ours.length !== theirs.length) return Infinity;
  let m = 0;
  theirs.forEach((stepParams, t) => stepParams.forEach((values, i) => (m = Math.max(m, maxError(ours[t][i], values)))));
  return m;
}

/** Compares every recorded state entry; Lookahead's `inner.X` entries are gcopt's `X` slots. */
function stateError(ours: OptimizerState, theirs: Record<string, number | { data: number[] }>[]): number {
  let m = 0;
  theirs.forEach((entries, i) => {
    const ts = ours.tensors[i];
    for (const [key, value] of Object.entries(entries)) {
      const slot = key.startsWith('inner.') ? key.slice('inner.'.length) : key;
      if (typeof value === 'number') m = Math.max(m, slot === 'step' ? relativeError(ts.step, value) : Infinity);
      else m = Math.max(m, ts.slots[slot] ? maxError(ts.slots[slot], value.data) : Infinity);
    }
  });
  return m;
}

function checkErrorRecords(golden: GoldenFile, onWarning: WarningHandler): ErrorRecordReport[] {
  const out: ErrorRecordReport[] = [];
  for (const rec of golden.errors ?? []) {
    const expected = rec.phase === 'step' ? `${rec.error} at step ${rec.step} (gcopt: rejected at construction)` : rec.message;
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
