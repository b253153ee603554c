import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { compareOptimizers } from '../src/index.js';

it('trains an MLP with tf.train.adam and with Adam_GC2 on real digits, well above chance', async () => {
  await tf.setBackend('cpu');
  const lines: string[] = [];
  const results = await compareOptimizers({
    architectures: ['mlp'],
    epochs: { mlp: 2 },
    trainLimit: 1000,
    testCount: 500,
    log: (l) => lines.push(l),
  });
  expect(results.map((r) => r.optimizer)).toEqual(['tf.train.adam', 'Adam_GC2']);
  for (const r of results) {
    expect(r.epochs).toHaveLength(2);
    expect(r.testAccuracy).toBeGreaterThan(0.6); // chance is 0.1
  }
  expect(lines.some((l) => l.includes('epoch 2/2'))).toBe(true);
  expect(lines.some((l) => l.includes('final test accuracy'))).toBe(true);
});
