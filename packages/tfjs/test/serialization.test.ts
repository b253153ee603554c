// model.save({ includeOptimizer: true }) and loading back restore the optimizer (class, config,
// state): training on gives the same weights as an uninterrupted run, in this process and in a
// new one.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { Adam_GC2, AdamW_GCC2, GcOptimizer, Lookahead, Ranger, SGDW_GC } from '../src/index.js';
import { useBackend } from './backends.js';
import { smallData, smallModel, weightsOf } from './models.js';
import { loadModel, saveModel } from './saveLoad.js';

const FIRST = 4;
const THEN = 6;

const OPTIMIZERS = [
  ['Adam_GC2', () => new Adam_GC2({ learningRate: 1e-2, weightDecay: 1e-3 })],
  [
    'AdamW_GCC2',
    () => new AdamW_GCC2({ learningRate: 1e-2, weightDecay: 1e-2, variables: [{ name: 'nothing_here', gc: false }] }),
  ],
  ['SGDW_GC', () => new SGDW_GC({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Ranger', () => new Ranger({ learningRate: 1e-2, k: 3, useGc: true })],
  ['Lookahead', () => new Lookahead({ optimizer: new Adam_GC2({ learningRate: 1e-2 }), k: 3 })],
] as const;

async function uninterrupted(make: () => GcOptimizer) {
  const model = smallModel('conv');
  const { x, y } = smallData('conv');
  model.compile({ optimizer: make(), loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: FIRST + THEN, batchSize: x.shape[0], shuffle: false, verbose: 0 });
  return weightsOf(model);
}

async function savedAfterFirstEpochs(make: () => GcOptimizer) {
  const model = smallModel('conv');
  const { x, y } = smallData('conv');
  const optimizer = make();
  model.compile({ optimizer, loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: FIRST, batchSize: x.shape[0], shuffle: false, verbose: 0 });
  const stored = await saveModel(model);
  return { stored, optimizer, x, y, names: model.trainableWeights.map((w) => w.read().name) };
}

describe('save with includeOptimizer, load, continue (cpu)', () => {
  it.each(OPTIMIZERS)('%s, loaded in this process', async (_, make) => {
    await useBackend('cpu');
    const expected = await uninterrupted(make);
    const { stored, optimizer, x, y, names } = await savedAfterFirstEpochs(make);
    // the loaded model's variables get new names here (kernel_1…): the state is matched by name
    const loaded = await loadModel(stored);
    expect(loaded.trainableWeights.map((w) => w.read().name)).not.toEqual(names);
    expect(loaded.optimizer).toBeInstanceOf(GcOptimizer);
    expect(loaded.optimizer.getClassName()).toBe(optimizer.getClassName());
    expect(loaded.optimizer.getConfig()).toEqual(optimizer.getConfig());
    expect(loaded.optimizer.iterations).toBe(FIRST);
    await loaded.fit(x, y, { epochs: THEN, batchSize: x.shape[0], shuffle: false, verbose: 0 });
    expect(weightsOf(loaded)).toEqual(expected);
  });

  it('Adam_GC2 and Lookahead(Adam_GC2), loaded in a new Node process', async () => {
    await useBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-'));
    try {
      for (const [name, make] of [OPTIMIZERS[0], OPTIMIZERS[4]]) {
        const expected = await uninterrupted(make);
        const { stored, x, y } = await savedAfterFirstEpochs(make);
        const file = join(dir, `${name}.json`);
        const asData = (t: tf.Tensor) => ({ data: Array.from(t.dataSync()), shape: t.shape });
        writeFileSync(file, JSON.stringify({ stored, x: asData(x), y: asData(y) }));
        const child = fileURLToPath(new URL('./fixtures/resumeInChild.mjs', import.meta.url));
        const out = JSON.parse(
          execFileSync(process.execPath, [child, file, String(THEN)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          }),
        );
        expect(out.className).toBe(make().getClassName());
        expect(out.iterations).toBe(FIRST + THEN);
        expect(out.weights.map((w: number[]) => Float32Array.from(w))).toEqual(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
