import { acquireWebGpuDevice, type GpuDevice } from '../../src/webgpu/index.js';

/**
 * One WebGPU device for a test file, or null where there is none and GCOPT_ALLOW_NO_WEBGPU=1 says
 * to skip. Otherwise a missing adapter fails: this package's `test` script provisions lavapipe.
 */
export async function testDevice(): Promise<GpuDevice | null> {
  try {
    return (await acquireWebGpuDevice()).device;
  } catch (e) {
    if (process.env.GCOPT_ALLOW_NO_WEBGPU === '1') return null;
    throw new Error(
      `${(e as Error).message}. Run the tests through the package's test script (it provisions lavapipe), ` +
        'or set GCOPT_ALLOW_NO_WEBGPU=1 to skip.',
    );
  }
}

/**
 * Moves axis 0 of a row-major tensor to position `to` (the other axes keep their order): the
 * values of `data` with shape `shape` rearranged exactly, and the new shape.
 */
export function moveOutputAxis(
  data: ArrayLike<number>,
  shape: readonly number[],
  to: number,
): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const perm = [
    ...Array.from({ length: to }, (_, k) => k + 1),
    0,
    ...Array.from({ length: rank - to - 1 }, (_, k) => to + 1 + k),
  ];
  const newShape = perm.map((a) => shape[a]);
  const oldStrides = stridesOf(shape);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    // index: the multi-index in the new shape; new axis k is old axis perm[k]
    let from = 0;
    for (let k = 0; k < rank; k++) from += index[k] * oldStrides[perm[k]];
    out[flat] = data[from];
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k] < newShape[k]) break;
      index[k] = 0;
    }
  }
  return { data: out, shape: newShape };
}

/** The inverse of `moveOutputAxis`: the axis at `from` back to position 0. */
export function restoreOutputAxis(data: ArrayLike<number>, shape: readonly number[], from: number): Float32Array {
  const rank = shape.length;
  const original = [shape[from], ...shape.slice(0, from), ...shape.slice(from + 1)];
  const strides = stridesOf(shape);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    // index over the original shape: original axis 0 is axis `from` of `shape`, axis k ≥ 1 is the k-th of the others
    let at = index[0] * strides[from];
    for (let k = 1; k < rank; k++) at += index[k] * strides[k - 1 < from ? k - 1 : k];
    out[flat] = data[at];
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k] < original[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1] * shape[k + 1];
  return s;
}
