import type { DigitSet, MnistSplit } from '@gcopt/mnist-data';
import { IMAGE_SIZE } from '@gcopt/mnist-data';

/**
 * The digits file the site build writes (scripts/buildSite.mjs, from `loadDigits()` of
 * @gcopt/mnist-data: the demo's split): int32 train count, int32 test count, the train then test
 * images (float32, 784 each), the train then test labels (uint8).
 */
export function decodeDigits(buffer: ArrayBuffer): MnistSplit {
  const [train, test] = new Int32Array(buffer, 0, 2);
  let at = 8;
  const images = (n: number) => {
    const out = new Float32Array(buffer.slice(at, at + n * IMAGE_SIZE * 4));
    at += n * IMAGE_SIZE * 4;
    return out;
  };
  const trainImages = images(train);
  const testImages = images(test);
  const trainLabels = new Uint8Array(buffer.slice(at, at + train));
  const testLabels = new Uint8Array(buffer.slice(at + train, at + train + test));
  return {
    train: { images: trainImages, labels: trainLabels, count: train },
    test: { images: testImages, labels: testLabels, count: test },
  };
}

/** The first `n` digits of a set (the demo's `trainLimit` keeps the first N of its training split too). */
export function firstDigits(set: DigitSet, n: number): DigitSet {
  const count = Math.min(n, set.count);
  return { images: set.images.subarray(0, count * IMAGE_SIZE), labels: set.labels.subarray(0, count), count };
}
