import { seededRandom, shuffledIndices } from '@gcopt/mnist-data';

/**
 * The order of the training digits in an epoch: a shuffle that depends only on the seed and the
 * epoch, so every optimizer of a seed sees the same batches in the same order.
 */
export function epochOrder(trainCount: number, seed: number, epoch: number): Uint32Array {
  return shuffledIndices(trainCount, seededRandom((seed * 7919 + epoch * 104729) >>> 0));
}

/** Consecutive batches of `order`; the last one may be smaller. */
export function batchesOf(order: Uint32Array, batchSize: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let at = 0; at < order.length; at += batchSize)
    out.push(order.subarray(at, Math.min(at + batchSize, order.length)));
  return out;
}
