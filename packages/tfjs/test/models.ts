// Small seeded models shared by the tests.
import * as tf from '@tensorflow/tfjs';
import { randomArray, seeded } from './backends.js';

/** Dense-only (wasm has no Conv2DBackpropFilter) or with a Conv2D kernel `[3,3,2,3]` (rank 4: GCC applies). */
export function smallModel(kind: 'dense' | 'conv', seed = 7): tf.Sequential {
  const layers =
    kind === 'conv'
      ? [
          tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'tanh' }),
          tf.layers.dense({ units: 2 }),
        ]
      : [tf.layers.dense({ inputShape: [6], units: 5, activation: 'tanh' }), tf.layers.dense({ units: 3 })];
  const model = tf.sequential({ layers });
  const random = seeded(seed);
  model.setWeights(model.getWeights().map((w) => tf.tensor(randomArray(w.size, random, 0.5), w.shape)));
  return model;
}

export function smallData(kind: 'dense' | 'conv', n = 8, seed = 11): { x: tf.Tensor; y: tf.Tensor } {
  const random = seeded(seed);
  const inShape = kind === 'conv' ? [5, 5, 2] : [6];
  const outUnits = kind === 'conv' ? 2 : 3;
  const inSize = inShape.reduce((a, b) => a * b, 1);
  return {
    x: tf.tensor(randomArray(n * inSize, random), [n, ...inShape]),
    y: tf.tensor(randomArray(n * outUnits, random), [n, outUnits]),
  };
}

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

/** Largest |a−b| / max(|a|, |b|, floor) over all weights. */
export function maxRelativeDifference(a: Float32Array[], b: Float32Array[], floor = 1e-3): number {
  let worst = 0;
  a.forEach((arr, i) => {
    for (let j = 0; j < arr.length; j++) {
      const d = Math.abs(arr[j] - b[i][j]) / Math.max(Math.abs(arr[j]), Math.abs(b[i][j]), floor);
      if (!(d <= worst)) worst = d; // NaN propagates as a failure
    }
  });
  return worst;
}
