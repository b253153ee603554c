/** The storage types gcopt computes on. Arithmetic runs in the storage's own precision. */
export type FloatArray = Float32Array | Float64Array;
/** The two element types gcopt computes in. */
export type DType = 'float32' | 'float64';

/** The dtype of a Float32Array or Float64Array. */
export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float64Array ? 'float64' : 'float32';
}

/** Whether `a` is a Float32Array or a Float64Array. */
export function isFloatArray(a: unknown): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}

/** A new zero-filled array of `a`'s dtype and the given length (default `a.length`). */
export function zerosLike(a: FloatArray, length = a.length): FloatArray {
  return a instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/** A new array of `a`'s dtype holding a copy of `a`. */
export function copyOf(a: FloatArray): FloatArray {
  return a instanceof Float64Array ? new Float64Array(a) : new Float32Array(a);
}

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}
