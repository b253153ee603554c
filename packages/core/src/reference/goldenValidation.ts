import { GcoptError } from '../errors.js';
import type { GoldenFile, GoldenInputs } from './goldenFormat.js';

/** A golden or inputs file that does not follow `gc-golden/1`; `field` is the path of the first bad field. */
export class GoldenFormatError extends GcoptError {
  override name = 'GoldenFormatError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field || '(top level)'}: ${problem}`);
  }
}

type Json = Record<string, unknown>;

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : (JSON.stringify(x) ?? typeof x);
}

function fail(field: string, problem: string): never {
  throw new GoldenFormatError(field, problem);
}

function object(x: unknown, field: string): Json {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) fail(field, `expected an object, got ${describe(x)}`);
  return x as Json;
}

function array(x: unknown, field: string, length?: number): unknown[] {
  if (!Array.isArray(x)) fail(field, `expected an array, got ${describe(x)}`);
  if (length !== undefined && x.length !== length) fail(field, `expected ${length} entries, got ${x.length}`);
  return x;
}

function string(x: unknown, field: string): string {
  if (typeof x !== 'string' || x === '') fail(field, `expected a non-empty string, got ${describe(x)}`);
  return x;
}

function count(x: unknown, field: string, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    fail(field, `expected an integer ≥ ${min}, got ${describe(x)}`);
  }
  return x;
}

/** `[rows][P][size_p]` numbers: one row per step (or one init row). */
function tensors(x: unknown, field: string, sizes: readonly number[]): void {
  array(x, field, sizes.length).forEach((values, p) => {
    const where = `${field}[${p}]`;
    array(values, where, sizes[p]).forEach((v, k) => {
      if (typeof v !== 'number') fail(`${where}[${k}]`, `expected a number, got ${describe(v)}`);
    });
  });
}

function paramSizes(x: unknown, field: string): number[] {
  const params = array(x, field);
  if (params.length === 0) fail(field, 'expected at least one parameter');
  return params.map((p, i) => {
    const where = `${field}[${i}]`;
    const o = object(p, where);
    string(o.name, `${where}.name`);
    return array(o.shape, `${where}.shape`).reduce<number>((n, d, a) => n * count(d, `${where}.shape[${a}]`, 1), 1);
  });
}

function schema(o: Json): void {
  if (o.schema !== 'gc-golden/1') fail('schema', `expected "gc-golden/1", got ${describe(o.schema)}`);
}

/**
 * Checks that `x` is a gc-golden/1 golden file (docs/ALGORITHMS.md §0); throws a GoldenFormatError
 * naming the first bad field.
 */
export function validateGoldenFile(x: unknown): asserts x is GoldenFile {
  const o = object(x, '');
  schema(o);
  string(o.optimizer, 'optimizer');
  if (o.family !== 'first_release' && o.family !== 'advanced') {
    fail('family', `expected "first_release" or "advanced", got ${describe(o.family)}`);
  }
  const sizes = paramSizes(o.params, 'params');
  array(o.cases, 'cases').forEach((c, i) => {
    const where = `cases[${i}]`;
    const k = object(c, where);
    string(k.id, `${where}.id`);
    object(k.kwargs, `${where}.kwargs`);
    const steps = count(k.steps, `${where}.steps`, 1);
    for (const key of ['float64', 'float32', 'float64_nocast']) {
      if (key === 'float64_nocast' && k[key] === undefined) continue;
      const run = object(k[key], `${where}.${key}`);
      const params = `${where}.${key}.params`;
      array(run.params, params, steps).forEach((row, t) => tensors(row, `${params}[${t}]`, sizes));
      if (run.state !== undefined) {
        array(run.state, `${where}.${key}.state`, sizes.length).forEach((entries, p) => {
          for (const [name, value] of Object.entries(object(entries, `${where}.${key}.state[${p}]`))) {
            const at = `${where}.${key}.state[${p}].${name}`;
            if (typeof value === 'number') continue;
            tensors([object(value, at).data], `${at}.data`, [sizes[p]]);
          }
        });
      }
    }
  });
  if (o.errors !== undefined) {
    array(o.errors, 'errors').forEach((e, i) => {
      const r = object(e, `errors[${i}]`);
      object(r.kwargs, `errors[${i}].kwargs`);
      string(r.error, `errors[${i}].error`);
      if (typeof r.message !== 'string') fail(`errors[${i}].message`, `expected a string, got ${describe(r.message)}`);
    });
  }
  if (o.accepted !== undefined) {
    array(o.accepted, 'accepted').forEach((a, i) => {
      object(object(a, `accepted[${i}]`).kwargs, `accepted[${i}].kwargs`);
    });
  }
}

/** Checks that `x` is a gc-golden/1 inputs file; throws a GoldenFormatError naming the first bad field. */
export function validateGoldenInputs(x: unknown): asserts x is GoldenInputs {
  const o = object(x, '');
  schema(o);
  const sizes = paramSizes(o.params, 'params');
  const steps = count(o.max_steps, 'max_steps', 1);
  for (const key of ['float64', 'float32']) {
    const src = object(o[key], key);
    tensors(src.init, `${key}.init`, sizes);
    array(src.grads, `${key}.grads`, steps).forEach((row, t) => tensors(row, `${key}.grads[${t}]`, sizes));
  }
}
