import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { isFloatArray, type FloatArray } from './floatArray.js';

/** True if `a` is a row-major (C order) contiguous view, so its elements are one slice of `a.data`. */
export function isRowMajorContiguous(a: NdArray): boolean {
  let expected = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== expected) return false;
    expected *= a.shape[d];
  }
  return true;
}

export function floatData(a: NdArray, what: string): FloatArray {
  if (!isFloatArray(a.data)) throw new TypeError(`${what} must be backed by a Float32Array or Float64Array`);
  return a.data;
}

/**
 * The elements of `a` in row-major order: the very memory of `a` when it is contiguous (writes go
 * through), otherwise a gathered copy (use `writeBack` afterwards).
 */
export function flatView(a: NdArray, what = 'tensor'): FloatArray {
  const data = floatData(a, what);
  if (isRowMajorContiguous(a)) return data.subarray(a.offset, a.offset + a.size) as FloatArray;
  const copy = data instanceof Float64Array ? new Float64Array(a.size) : new Float32Array(a.size);
  ops.assign(ndarray(copy, a.shape.slice()), a);
  return copy;
}

/** Writes row-major `flat` into the view `a` unless `flat` already is `a`'s memory. */
export function writeBack(a: NdArray, flat: FloatArray): void {
  if (flat.buffer === (a.data as FloatArray).buffer && isRowMajorContiguous(a)) return;
  ops.assign(a, ndarray(flat, a.shape.slice()));
}

/** A fresh contiguous row-major ndarray of the same dtype holding a copy of `a`. */
export function cloneContiguous(a: NdArray): NdArray<FloatArray> {
  const data = floatData(a, 'tensor');
  const copy = data instanceof Float64Array ? new Float64Array(a.size) : new Float32Array(a.size);
  if (isRowMajorContiguous(a)) copy.set(data.subarray(a.offset, a.offset + a.size));
  else ops.assign(ndarray(copy, a.shape.slice()), a);
  return ndarray(copy, a.shape.slice());
}
