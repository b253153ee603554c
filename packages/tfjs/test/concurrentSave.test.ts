// getWeights never disposes what it handed out before: two saves with the optimizer at once both
// succeed (as they do with tf.train.adam) and write the same state.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Adam_GC2, Lookahead } from '../src/index.js';
import { useBackend } from './backends.js';
import { fileLoader, fileSaver } from './fileModelIO.js';
import { smallData, smallModel } from './models.js';

describe('concurrent saves', () => {
  it.each([
    ['Adam_GC2', () => new Adam_GC2({ learningRate: 1e-2 })],
    ['Lookahead', () => new Lookahead({ optimizer: new Adam_GC2({ learningRate: 1e-2 }), k: 2 })],
    ['tf.train.adam', () => tf.train.adam(1e-2)],
  ] as const)(
    '%s: two model.save(…, { includeOptimizer: true }) at once both write the same files',
    async (_, make) => {
      await useBackend('cpu');
      const model = smallModel('dense');
      const { x, y } = smallData('dense');
      model.compile({ optimizer: make(), loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'gcopt-tfjs-concurrent-')));
      try {
        await Promise.all(dirs.slice(0, 2).map((dir) => model.save(fileSaver(dir), { includeOptimizer: true })));
        const first = await model.optimizer.getWeights(); // handed out, then a later call must not dispose it
        await model.save(fileSaver(dirs[2]), { includeOptimizer: true });
        expect(first.every((w) => !w.tensor.isDisposed)).toBe(true);
        const bytes = dirs.map((dir) => readFileSync(join(dir, 'weights.bin')));
        expect(bytes[1].equals(bytes[0])).toBe(true);
        expect(bytes[2].equals(bytes[0])).toBe(true);
        const loaded = await tf.loadLayersModel(fileLoader(dirs[1]));
        expect(loaded.optimizer.iterations).toBe(2);
      } finally {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
