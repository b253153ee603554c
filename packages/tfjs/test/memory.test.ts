// No tensor leaks: tf.memory().numTensors is the same after 1,000 more steps of model.fit and of
// optimizer.minimize, and dispose() returns to the count before the optimizer existed.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Adam_GC2, Lookahead, Ranger, SGD_GC } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';
import { smallData, smallModel } from './models.js';

describe.each(BACKENDS)('memory on %s', (backend) => {
  it('model.fit: 1,000 steps leave the tensor count unchanged; dispose frees the state', async () => {
    await useBackend(backend);
    const model = smallModel('dense');
    const { x, y } = smallData('dense', 4);
    const beforeOptimizer = tf.memory().numTensors;
    const optimizer = new Adam_GC2({ learningRate: 1e-3 });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const afterFirstStep = tf.memory().numTensors;
    expect(afterFirstStep).toBeGreaterThan(beforeOptimizer); // the state exists (2 slots × 4 variables)
    await model.fit(x, y, { epochs: 1000, batchSize: 4, verbose: 0 });
    expect(optimizer.iterations).toBe(1001);
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    await optimizer.getWeights(); // the counters it hands out are the optimizer's to free
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(beforeOptimizer);
    tf.dispose([x, y]);
    model.dispose();
  });

  it.each([
    ['SGD_GC', () => new SGD_GC({ lr: 0.01, momentum: 0.9 })],
    ['Ranger', () => new Ranger({ lr: 0.01, useGc: true })],
    ['Lookahead', () => new Lookahead({ optimizer: new Adam_GC2({ lr: 0.01 }) })],
  ] as const)(
    'optimizer.minimize (%s): 1,000 steps leave the tensor count unchanged; dispose frees the state',
    async (_, make) => {
      await useBackend(backend);
      const random = seeded(1);
      const w = tf.variable(tf.tensor(randomArray(12, random), [3, 4]));
      const x = tf.tensor(randomArray(6, random), [2, 3]);
      const beforeOptimizer = tf.memory().numTensors;
      const optimizer = make();
      const loss = () => x.matMul(w).square().mean() as tf.Scalar;
      optimizer.minimize(loss);
      const afterFirstStep = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) optimizer.minimize(loss);
      expect(tf.memory().numTensors).toBe(afterFirstStep);
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(beforeOptimizer);
      tf.dispose([w, x]);
    },
  );
});
