// tfjs-layers makes variable names unique per process: a layer 'fc' built a second time gets
// 'fc/kernel_1', and a model loaded next to its original gets the next suffix. Saving with the
// optimizer (to real files) and loading, here or in a new process, continues exactly as an
// uninterrupted run whatever suffixes either side has; rules by exact name follow the variable.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Adam_GC2, type GcOptimizer, Lookahead, SGD_GC } from '../src/index.js';
import { randomArray, seeded, useBackend } from './backends.js';
import { fileLoader, fileSaver, variableNames } from './fileModelIO.js';

const FIRST = 3;
const THEN = 4;

/** Dense layers with fixed names, so a second build in this process gets `_1` suffixes. */
function namedModel(prefix: string): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 5, activation: 'tanh', name: `${prefix}fc` }),
      tf.layers.dense({ units: 3, name: `${prefix}out` }),
    ],
  });
  const random = seeded(3);
  model.setWeights(model.getWeights().map((w) => tf.tensor(randomArray(w.size, random, 0.5), w.shape)));
  return model;
}

function data() {
  const random = seeded(4);
  return { x: tf.tensor(randomArray(8 * 6, random), [8, 6]), y: tf.tensor(randomArray(8 * 3, random), [8, 3]) };
}

const fit = (model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs: number) =>
  model.fit(x, y, { epochs, batchSize: x.shape[0], shuffle: false, verbose: 0 });
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

async function uninterrupted(prefix: string, make: () => GcOptimizer) {
  const model = namedModel(prefix);
  const { x, y } = data();
  model.compile({ optimizer: make(), loss: 'meanSquaredError' });
  await fit(model, x, y, FIRST + THEN);
  return weightsOf(model);
}

const OPTIMIZERS = [
  ['Adam_GC2', () => new Adam_GC2({ learningRate: 1e-2 })],
  ['Lookahead(SGD_GC)', () => new Lookahead({ optimizer: new SGD_GC({ lr: 0.05, momentum: 0.9 }), k: 2 })],
] as const;

describe('save → load → continue with suffixed variable names (cpu, real files)', () => {
  it.each(OPTIMIZERS)(
    '%s: saved with _1 names, loaded in this process (_2) and in a new one (no suffix)',
    async (label, make) => {
      await useBackend('cpu');
      const prefix = label.replace(/\W/g, '');
      const expected = await uninterrupted(prefix, make); // builds the layers once: `…fc/kernel`
      const model = namedModel(prefix); // second build: `…fc/kernel_1`
      expect(variableNames(model)[0]).toBe(`${prefix}fc/kernel_1`);
      const { x, y } = data();
      model.compile({ optimizer: make(), loss: 'meanSquaredError' });
      await fit(model, x, y, FIRST);
      const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-suffix-'));
      try {
        await model.save(fileSaver(dir), { includeOptimizer: true });
        const loaded = await tf.loadLayersModel(fileLoader(dir));
        expect(variableNames(loaded)[0]).toBe(`${prefix}fc/kernel_2`);
        await fit(loaded, x, y, THEN);
        expect(weightsOf(loaded)).toEqual(expected);

        const asData = (t: tf.Tensor) => ({ data: Array.from(t.dataSync()), shape: t.shape });
        writeFileSync(join(dir, 'data.json'), JSON.stringify({ x: asData(x), y: asData(y) }));
        const child = fileURLToPath(new URL('./fixtures/resumeFromFiles.mjs', import.meta.url));
        const out = JSON.parse(
          execFileSync(process.execPath, [child, dir, String(THEN)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
        expect(out.names[0]).toBe(`${prefix}fc/kernel`);
        expect(out.iterations).toBe(FIRST + THEN);
        expect(out.weights.map((w: number[]) => Float32Array.from(w))).toEqual(
          expected.map((w) => Float32Array.from(w)),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('saved without suffix, loaded with one: an exact-name rule still applies to the loaded variable', async () => {
    await useBackend('cpu');
    // outAxis 0 on the first kernel: centred over its inputs instead of its outputs (changes the run)
    const make = () => new SGD_GC({ lr: 0.1, momentum: 0.9, variables: [{ name: 'rfc/kernel', outAxis: 0 }] });
    const model = namedModel('r'); // first build in this file: `rfc/kernel`
    const { x, y } = data();
    model.compile({ optimizer: make(), loss: 'meanSquaredError' });
    await fit(model, x, y, FIRST);
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-rule-'));
    try {
      await model.save(fileSaver(dir), { includeOptimizer: true });
      await fit(model, x, y, THEN); // the uninterrupted run, under the rule
      const loaded = await tf.loadLayersModel(fileLoader(dir));
      expect(variableNames(loaded)[0]).toBe('rfc/kernel_1');
      expect((loaded.optimizer as GcOptimizer).layoutOf('rfc/kernel_1', [6, 5]).outAxis).toBe(0);
      await fit(loaded, x, y, THEN);
      expect(weightsOf(loaded)).toEqual(weightsOf(model));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
