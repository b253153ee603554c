// Fuzzing whole-model round trips: model.save with the optimizer to real files, tf.loadLayersModel
// from them, fit on; equal to an uninterrupted run for random optimizers, split points, name rules
// and tfjs-layers suffixes (the same layers built 0–2 extra times first). 30 runs, not 1,000: each
// builds, fits, saves and loads two models (about 0.3 s here); fuzzNames covers the name matching
// itself 300 times and the rules 1,000 times.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { Adam_GC2, AdamW_GCC2, type GcOptimizer, Lookahead, Ranger, SGD_GC } from '../src/index.js';
import { randomArray, seeded, useBackend } from './backends.js';
import { fileLoader, fileSaver } from './fileModelIO.js';

const SEED = 7112026;

const MAKERS: ((variables: { name: string; outAxis?: number; gc?: boolean }[]) => GcOptimizer)[] = [
  (variables) => new Adam_GC2({ learningRate: 1e-2, variables }),
  (variables) => new SGD_GC({ lr: 0.05, momentum: 0.9, variables }),
  (variables) => new AdamW_GCC2({ learningRate: 1e-2, weightDecay: 1e-2, variables }),
  (variables) => new Ranger({ learningRate: 1e-2, k: 2, variables }),
  (variables) => new Lookahead({ optimizer: new Adam_GC2({ learningRate: 1e-2 }), k: 2, variables }),
];

function build(run: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh', name: `m${run}a` }),
      tf.layers.dense({ units: 2, name: `m${run}b` }),
    ],
  });
  const random = seeded(run + 1);
  model.setWeights(model.getWeights().map((w) => tf.tensor(randomArray(w.size, random, 0.5), w.shape)));
  return model;
}

describe(`model round-trip fuzz (fast-check seed ${SEED}, 30 runs)`, () => {
  it('save → files → load → fit equals an uninterrupted fit', async () => {
    console.log(`fuzzModelRoundTrip: fast-check seed ${SEED}`);
    await useBackend('cpu');
    const random = seeded(5);
    const x = tf.tensor(randomArray(6 * 4, random), [6, 4]);
    const y = tf.tensor(randomArray(6 * 2, random), [6, 2]);
    const fit = (m: tf.LayersModel, epochs: number) =>
      m.fit(x, y, { epochs, batchSize: 6, shuffle: false, verbose: 0 });
    const input = fc.record({
      optimizer: fc.nat(MAKERS.length - 1),
      first: fc.integer({ min: 1, max: 3 }),
      afterSave: fc.integer({ min: 1, max: 3 }),
      extraBuilds: fc.integer({ min: 0, max: 2 }),
      rule: fc.option(fc.record({ outAxis: fc.constantFrom(0, -1), gc: fc.boolean() }), { nil: undefined }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(input, async (o) => {
        run++;
        const rules = o.rule ? [{ name: `m${run}a/kernel`, ...o.rule }] : [];
        for (let i = 0; i < o.extraBuilds; i++) build(run).dispose(); // later builds get `_N` names
        const model = build(run);
        model.compile({ optimizer: MAKERS[o.optimizer](rules), loss: 'meanSquaredError' });
        await fit(model, o.first);
        const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-roundtrip-'));
        try {
          await model.save(fileSaver(dir), { includeOptimizer: true });
          await fit(model, o.afterSave); // the uninterrupted run
          const loaded = await tf.loadLayersModel(fileLoader(dir));
          await fit(loaded, o.afterSave);
          expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
            model.getWeights().map((w) => Array.from(w.dataSync())),
          );
          loaded.dispose();
        } finally {
          rmSync(dir, { recursive: true, force: true });
          model.dispose();
        }
      }),
      { seed: SEED, numRuns: 30 },
    );
    tf.dispose([x, y]);
  });
});
