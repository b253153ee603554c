import { InvalidArgumentError, NonFiniteGradientError, ShapeMismatchError } from '@gcopt/core';
import { describe, type ModelEntry } from './model.js';

/** A gradient: flat row-major values, or values with their shape (checked against the parameter's). */
export type GradientInput =
  | Float32Array
  | Float64Array
  | { readonly shape: readonly number[]; readonly data: Float32Array | Float64Array };

/**
 * Gradients by parameter name. Every parameter needs an entry; `null` says "no gradient this step"
 * (the parameter and its state are left alone, as PyTorch does for `p.grad is None`).
 */
export type Gradients = Readonly<Record<string, GradientInput | null>> | ReadonlyMap<string, GradientInput | null>;

/** Where the first NaN/±Inf of a step was found. */
export interface NonFiniteLocation {
  readonly param: string;
  readonly index: number;
  /** The value as given: NaN, ±Infinity, or a finite float64 that overflows float32. */
  readonly value: number;
}

/**
 * Reads the gradients of one step into model order, checking names, types and sizes before
 * anything changes. Throws an error that names the parameter.
 */
export function readGradients(
  grads: Gradients,
  entries: readonly ModelEntry[],
): (Float32Array | Float64Array | null)[] {
  if (grads === null || typeof grads !== 'object') {
    throw new InvalidArgumentError('grads', grads, 'gradients are a record or Map of Float32Array by parameter name');
  }
  const isMap = grads instanceof Map;
  const get = (name: string) =>
    isMap
      ? (grads as ReadonlyMap<string, GradientInput | null>).get(name)
      : (grads as Record<string, GradientInput | null>)[name];
  const has = (name: string) =>
    isMap ? (grads as ReadonlyMap<string, unknown>).has(name) : Object.hasOwn(grads, name);
  const names = new Set(entries.map((e) => e.name));
  const keys = isMap ? [...(grads as ReadonlyMap<string, unknown>).keys()] : Object.keys(grads);
  for (const key of keys) {
    if (!names.has(key)) {
      throw new InvalidArgumentError(
        `grads['${key}']`,
        'a gradient',
        `the model has no parameter named '${key}' (it has: ${[...names].join(', ')})`,
      );
    }
  }
  return entries.map((e) => {
    const label = `parameter '${e.name}'`;
    const g = get(e.name);
    if (g === null) return null;
    if (g === undefined || !has(e.name)) {
      throw new InvalidArgumentError(
        `grads['${e.name}']`,
        g,
        `missing gradient for ${label} (pass null to skip it this step)`,
      );
    }
    let flat: Float32Array | Float64Array;
    if (g instanceof Float32Array || g instanceof Float64Array) {
      flat = g;
    } else if (typeof g === 'object' && Array.isArray((g as { shape?: unknown }).shape)) {
      const { shape, data } = g as { shape: readonly number[]; data: unknown };
      if (!(data instanceof Float32Array || data instanceof Float64Array)) {
        throw new InvalidArgumentError(
          `grads['${e.name}'].data`,
          describe(data),
          `the gradient of ${label} must be a Float32Array or Float64Array`,
        );
      }
      const expected = e.layout.shape;
      if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
        throw new ShapeMismatchError(`gradient of ${label} has shape [${shape}], expected [${expected}]`);
      }
      flat = data;
    } else {
      throw new InvalidArgumentError(
        `grads['${e.name}']`,
        describe(g),
        `the gradient of ${label} must be a Float32Array (or Float64Array, or { shape, data })`,
      );
    }
    if (flat.length !== e.layout.size) {
      throw new ShapeMismatchError(
        `gradient of ${label} has ${flat.length} elements, expected ${e.layout.size} (shape [${e.layout.shape}])`,
      );
    }
    return flat;
  });
}

/**
 * The first gradient value that is NaN or ±Infinity *as it will be stored*, in model order, or
 * null: the parameters are float32, so a float64 gradient is judged after the cast (1e39 is finite
 * in float64 and Infinity in float32). `value` is the value as given.
 */
export function findNonFinite(
  grads: readonly (Float32Array | Float64Array | null)[],
  entries: readonly ModelEntry[],
): NonFiniteLocation | null {
  for (let p = 0; p < grads.length; p++) {
    const g = grads[p];
    if (!g) continue;
    const j = g instanceof Float64Array ? firstNonFiniteAsFloat32(g) : firstNonFinite(g);
    if (j >= 0) return { param: entries[p].name, index: j, value: g[j] };
  }
  return null;
}

function firstNonFinite(g: Float32Array): number {
  if (allFinite(g)) return -1;
  for (let j = 0; j < g.length; j++) {
    // x - x is NaN exactly for NaN and ±Infinity: one test for both
    if (g[j] - g[j] !== 0) return j;
  }
  return -1;
}

function firstNonFiniteAsFloat32(g: Float64Array): number {
  if (allFinite(g, true)) return -1;
  for (let j = 0; j < g.length; j++) {
    const v = Math.fround(g[j]);
    if (v - v !== 0) return j;
  }
  return -1;
}

/**
 * Whether every value is finite (as float32 with `asFloat32`): x·0 is ±0 for a finite x and NaN for
 * NaN and ±Infinity, so the sums stay 0 exactly when all are finite. Four independent sums and no
 * branch per element; the caller looks for the first bad value only when there is one.
 */
function allFinite(g: Float32Array | Float64Array, asFloat32 = false): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const end = g.length & ~3;
  let j = 0;
  if (asFloat32) {
    const f = Math.fround;
    for (; j < end; j += 4) {
      a += f(g[j]) * 0;
      b += f(g[j + 1]) * 0;
      c += f(g[j + 2]) * 0;
      d += f(g[j + 3]) * 0;
    }
    for (; j < g.length; j++) a += f(g[j]) * 0;
  } else {
    for (; j < end; j += 4) {
      a += g[j] * 0;
      b += g[j + 1] * 0;
      c += g[j + 2] * 0;
      d += g[j + 3] * 0;
    }
    for (; j < g.length; j++) a += g[j] * 0;
  }
  return a + b + c + d === 0;
}

/** How a non-finite find reads in messages: `1e+39 (Infinity as float32)` when only the cast overflowed. */
export function describeNonFinite(at: NonFiniteLocation): string {
  if (!Number.isFinite(at.value)) return String(at.value);
  return `${at.value} (${Math.fround(at.value)} as float32, the parameters' precision)`;
}

export function nonFiniteError(at: NonFiniteLocation, entries: readonly ModelEntry[]): NonFiniteGradientError {
  const index = entries.findIndex((e) => e.name === at.param);
  return new NonFiniteGradientError(index, `'${at.param}'`, at.index, at.value, 'float32');
}
