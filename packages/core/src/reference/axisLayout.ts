import { InvalidArgumentError } from '../errors.js';
import { allocate, type DType, type FloatArray } from '../tensor/floatArray.js';

/**
 * Where a replayed tensor's output axis sits. The recording is PyTorch's channels-first layout
 * (`[out, in, k…]`); the other two are the same values with their axes permuted, as frameworks store
 * them (docs/ALGORITHMS.md §0):
 * - `'first'`: as recorded, output axis 0;
 * - `'last'`: tfjs Dense `[in, out]` and ConvND `[k…, in, out]`: axes `[2…, 1, 0]`, output axis last;
 * - `'middle'`: tfjs ConvNDTranspose `[k…, out, in]`: axes `[2…, 0, 1]`, output axis second to last.
 * Rank 0 and 1 tensors stay as they are; a rank-2 tensor has no middle, so `'middle'` keeps it `[out, in]`.
 */
export type AxisLayout = 'first' | 'last' | 'middle';

export const AXIS_LAYOUTS: readonly AxisLayout[] = ['first', 'last', 'middle'];

export function isAxisLayout(x: unknown): x is AxisLayout {
  return x === 'first' || x === 'last' || x === 'middle';
}

/** `perm[j]` is the recorded axis that becomes axis `j`. */
export function axisPermutation(rank: number, layout: AxisLayout): number[] {
  if (!isAxisLayout(layout)) throw new InvalidArgumentError('layout', layout, "must be 'first', 'last' or 'middle'");
  const identity = Array.from({ length: rank }, (_, a) => a);
  if (layout === 'first' || rank < 2) return identity;
  const kernel = identity.slice(2);
  if (layout === 'last') return [...kernel, 1, 0];
  return rank < 3 ? identity : [...kernel, 0, 1];
}

/** A recorded tensor seen in `layout`: its shape, its output axis and a row-major copy of its values. */
export interface PermutedTensor {
  readonly shape: number[];
  readonly outAxis: number;
  readonly perm: readonly number[];
}

export function permutedTensor(shape: readonly number[], layout: AxisLayout): PermutedTensor {
  const perm = axisPermutation(shape.length, layout);
  return { shape: perm.map((a) => shape[a]), outAxis: Math.max(0, perm.indexOf(0)), perm };
}

/**
 * Copies row-major `values` of the recorded `shape` into the axis order `perm` (exact: values are
 * only moved). The result is row-major in the permuted shape.
 */
export function permuteValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  perm: readonly number[],
  dtype: DType = 'float64',
): FloatArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new InvalidArgumentError('values', values.length, `shape [${shape}] holds ${size} values`);
  }
  const out = allocate(dtype, size);
  const rank = shape.length;
  const srcStrides = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    srcStrides[a] = s;
    s *= shape[a];
  }
  const newShape = perm.map((a) => shape[a]);
  const strides = perm.map((a) => srcStrides[a]);
  const index = new Array<number>(rank).fill(0);
  for (let j = 0; j < size; j++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += index[a] * strides[a];
    out[j] = values[src];
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < newShape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}
