import { IMAGE_SIZE, type DigitSet } from '@gcopt/mnist-data';

/** Copies the digits at `indices` into `images` / `labels` (row-major); returns how many. */
export function gatherBatch(
  set: DigitSet,
  indices: ArrayLike<number>,
  images: Float32Array,
  labels: Int32Array | Uint8Array,
): number {
  const n = indices.length;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    images.set(set.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), k * IMAGE_SIZE);
    labels[k] = set.labels[i];
  }
  return n;
}
