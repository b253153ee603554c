import type { Family } from '@gcopt/core';
import { SnapshotFormatError } from './errors.js';

/** The `format` field of every optimizer snapshot. */
export const SNAPSHOT_FORMAT = 'gcopt-optimizer-state';
/** The snapshot version this package writes and reads. */
export const SNAPSHOT_VERSION = 1;

/** A hyper-parameter value that survives JSON: schedules (functions) become `null`. */
export type HyperValue = number | boolean | readonly number[] | null;
/** A core optimizer's resolved hyper-parameters, by name, as JSON-safe values. */
export type SerializedHyper = Readonly<Record<string, HyperValue>>;

/** One parameter tensor's optimizer state. */
export interface ParamSnapshot {
  readonly name: string;
  readonly shape: readonly number[];
  /** Resolved output axis, 0 ≤ outAxis < rank (0 for scalars). */
  readonly outAxis: number;
  /** Whether GC may act on this tensor (its `gc` setting). */
  readonly gc: boolean;
  /** Index into `groups`. */
  readonly group: number;
  /** Completed steps of this tensor (PyTorch's `state['step']`). */
  readonly step: number;
  /** State arrays, row-major, by PyTorch state_dict name (`exp_avg`, `exp_avg_sq`, `momentum_buffer`, …). */
  readonly slots: Readonly<Record<string, Float32Array | Float64Array>>;
}

/**
 * The versioned, self-describing optimizer state shared by @gcopt/float32, @gcopt/tfjs and
 * @gcopt/onnxruntime (format documented in packages/float32/README.md).
 */
export interface OptimizerSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly optimizer: {
    /** gcopt optimizer name: a reference class name (`Adam_GC2`, `SGD`, …) or `Lookahead(<inner>)`. */
    readonly name: string;
    /** Which reference release the name is from (`AdamW` exists in both). */
    readonly family: Family;
    /** Resolved hyper-parameters of group 0 (camelCase, defaults filled in; `lr` null if a schedule). */
    readonly hyper: SerializedHyper;
  };
  /** Parameter groups, each with its resolved hyper-parameters; group 0 holds the ungrouped parameters. */
  readonly groups: readonly { readonly hyper: SerializedHyper }[];
  /** Completed optimizer steps (steps skipped for non-finite gradients not counted). */
  readonly count: number;
  /** Steps skipped by the `nonFinite: 'skip'` policy (optional; informational). */
  readonly skippedSteps?: number;
  readonly params: readonly ParamSnapshot[];
}

/** Hyper-parameters as plain data: numbers, booleans and number arrays; a schedule becomes null. */
export function serializeHyper(hyper: Readonly<Record<string, unknown>>): SerializedHyper {
  const out: Record<string, HyperValue> = {};
  for (const [key, value] of Object.entries(hyper)) {
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) out[key] = [...value];
    else out[key] = null; // a learning-rate schedule (function) is code, not data
  }
  return out;
}

const isInt = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;

/**
 * Checks that `x` has the structure of an OptimizerSnapshot (any optimizer, any model) and throws
 * a SnapshotFormatError naming the first bad field. Whether it fits a given optimizer is
 * `loadState`'s job.
 */
export function validateSnapshot(x: unknown): asserts x is OptimizerSnapshot {
  const fail = (path: string, problem: string): never => {
    throw new SnapshotFormatError(path, problem);
  };
  if (x === null || typeof x !== 'object') fail('', `expected an object, got ${x === null ? 'null' : typeof x}`);
  const s = x as Record<string, unknown>;
  if (s.format !== SNAPSHOT_FORMAT) fail('format', `expected '${SNAPSHOT_FORMAT}', got ${JSON.stringify(s.format)}`);
  if (s.version !== SNAPSHOT_VERSION)
    fail('version', `this gcopt reads version ${SNAPSHOT_VERSION}, got ${JSON.stringify(s.version)}`);
  const opt = s.optimizer as Record<string, unknown> | undefined;
  if (!opt || typeof opt !== 'object') fail('optimizer', 'missing');
  if (typeof opt!.name !== 'string' || opt!.name === '') fail('optimizer.name', 'expected a non-empty string');
  if (opt!.family !== 'first_release' && opt!.family !== 'advanced')
    fail('optimizer.family', `expected 'first_release' or 'advanced', got ${JSON.stringify(opt!.family)}`);
  checkHyper(opt!.hyper, 'optimizer.hyper', fail);
  if (!Array.isArray(s.groups) || s.groups.length === 0) fail('groups', 'expected a non-empty array');
  (s.groups as unknown[]).forEach((g, i) => {
    if (!g || typeof g !== 'object') fail(`groups[${i}]`, 'expected an object');
    checkHyper((g as Record<string, unknown>).hyper, `groups[${i}].hyper`, fail);
  });
  if (!isInt(s.count)) fail('count', `expected an integer ≥ 0, got ${JSON.stringify(s.count)}`);
  if (s.skippedSteps !== undefined && !isInt(s.skippedSteps)) fail('skippedSteps', 'expected an integer ≥ 0');
  if (!Array.isArray(s.params)) fail('params', 'expected an array');
  const names = new Set<string>();
  (s.params as unknown[]).forEach((p, i) => {
    const at = `params[${i}]`;
    if (!p || typeof p !== 'object') fail(at, 'expected an object');
    const ps = p as Record<string, unknown>;
    if (typeof ps.name !== 'string' || ps.name === '') fail(`${at}.name`, 'expected a non-empty string');
    if (names.has(ps.name as string)) fail(`${at}.name`, `duplicate parameter name '${ps.name}'`);
    names.add(ps.name as string);
    const where = `${at} ('${ps.name}')`;
    if (!Array.isArray(ps.shape) || !ps.shape.every((d) => isInt(d, 1)))
      fail(`${where}.shape`, 'expected an array of positive integers');
    const shape = ps.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (
      !isInt(ps.outAxis) ||
      (shape.length > 0 && (ps.outAxis as number) >= shape.length) ||
      (shape.length === 0 && ps.outAxis !== 0)
    ) {
      fail(
        `${where}.outAxis`,
        `expected a resolved axis in [0, ${Math.max(shape.length - 1, 0)}], got ${JSON.stringify(ps.outAxis)}`,
      );
    }
    if (typeof ps.gc !== 'boolean') fail(`${where}.gc`, 'expected true or false');
    if (!isInt(ps.group) || (ps.group as number) >= (s.groups as unknown[]).length)
      fail(`${where}.group`, 'expected an index into groups');
    if (!isInt(ps.step)) fail(`${where}.step`, 'expected an integer ≥ 0');
    if ((ps.step as number) > (s.count as number))
      fail(`${where}.step`, `${ps.step} steps exceed the optimizer's count ${s.count}`);
    if (!ps.slots || typeof ps.slots !== 'object' || Array.isArray(ps.slots))
      fail(`${where}.slots`, 'expected an object of typed arrays');
    for (const [slot, arr] of Object.entries(ps.slots as Record<string, unknown>)) {
      if (!(arr instanceof Float32Array || arr instanceof Float64Array))
        fail(`${where}.slots.${slot}`, 'expected a Float32Array or Float64Array');
      if ((arr as Float32Array).length !== size)
        fail(`${where}.slots.${slot}`, `has ${(arr as Float32Array).length} elements, shape [${shape}] needs ${size}`);
    }
  });
}

function checkHyper(h: unknown, path: string, fail: (path: string, problem: string) => never): void {
  if (!h || typeof h !== 'object' || Array.isArray(h)) fail(path, 'expected an object');
  for (const [key, v] of Object.entries(h as Record<string, unknown>)) {
    const ok =
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n)));
    if (!ok) fail(`${path}.${key}`, 'expected a finite number, a boolean, an array of numbers or null');
  }
}

/** A deep copy (fresh state arrays), so the copy and the original never share memory. */
export function cloneSnapshot(s: OptimizerSnapshot): OptimizerSnapshot {
  return {
    ...s,
    optimizer: { ...s.optimizer, hyper: cloneHyper(s.optimizer.hyper) },
    groups: s.groups.map((g) => ({ hyper: cloneHyper(g.hyper) })),
    params: s.params.map((p) => ({
      ...p,
      shape: [...p.shape],
      slots: Object.fromEntries(Object.entries(p.slots).map(([k, v]) => [k, v.slice()])),
    })),
  };
}

function cloneHyper(h: SerializedHyper): SerializedHyper {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}
