// The NaN policy the README states: inside model.fit a non-finite gradient stops fit with a
// NonFiniteGradientError, the model keeping the weights of the last good step; tf.train.sgd
// applies the NaN and goes on; checkFinite: false behaves like tf.train.*.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteGradientError } from '@gcopt/core';
import { SGD_GC } from '../src/index.js';
import { useBackend } from './backends.js';
import { smallModel } from './models.js';

/** Two batches of 4: the first finite, the second with a NaN input (so NaN gradients). */
function data() {
  const x = tf.tidy(() => tf.concat([tf.ones([4, 6]), tf.fill([4, 6], Number.NaN)]));
  const y = tf.zeros([8, 3]);
  return { x, y };
}

describe('a NaN gradient in the middle of fit', () => {
  it('stops fit with NonFiniteGradientError; the weights are those after the last good step', async () => {
    await useBackend('cpu');
    const { x, y } = data();
    const model = smallModel('dense');
    model.compile({ optimizer: new SGD_GC({ lr: 0.1 }), loss: 'meanSquaredError' });
    const reference = smallModel('dense');
    reference.compile({ optimizer: new SGD_GC({ lr: 0.1 }), loss: 'meanSquaredError' });
    await reference.fit(x.slice(0, 4), y.slice(0, 4), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    await expect(model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 })).rejects.toThrow(
      NonFiniteGradientError,
    );
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      reference.getWeights().map((w) => Array.from(w.dataSync())),
    );
  });

  it('tf.train.sgd and checkFinite: false apply the NaN and finish fit', async () => {
    await useBackend('cpu');
    const { x, y } = data();
    for (const optimizer of [tf.train.sgd(0.1), new SGD_GC({ lr: 0.1, checkFinite: false })]) {
      const model = smallModel('dense');
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      expect(model.getWeights().some((w) => Array.from(w.dataSync()).some(Number.isNaN))).toBe(true);
    }
  });
});
