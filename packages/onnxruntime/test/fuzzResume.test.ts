// Fuzzing save → file → load → continue: for random optimizers, options, split points and batches,
// a trainer resumed from a checkpoint written to a real file and read back with fs ends bit for bit
// where an uninterrupted trainer does. 30 runs, not 1,000: each run makes three ONNX Runtime
// sessions and up to a dozen steps (about 0.4 s here); the byte-level fuzz (fuzzCheckpoints) runs 1,000.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGradientModel, layers, OrtTrainer } from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { runtimes } from './helpers/runtimes.js';
import { throughFile } from './helpers/fileBytes.js';

const SEED = 4242;
const RUNS = 30;
const ort = runtimes[0][1];
const built = buildGradientModel({
  input: [4],
  layers: [layers.dense({ units: 5 }), layers.relu(), layers.dense({ units: 3 })],
  loss: 'softmaxCrossEntropy',
  seed: 2,
});

const OPTIMIZERS: Record<string, unknown>[] = [
  { name: 'Adam_GC2', lr: 0.01 },
  { name: 'SGD_GC', lr: 0.05, momentum: 0.9, nesterov: true },
  { name: 'AdamW_GCC2', lr: 0.01, weightDecay: 0.01 },
  { name: 'Ranger', lr: 0.01, k: 2 },
  { name: 'RAdam', lr: 0.01, useGc: true },
  { name: 'Adagrad_GC', lr: 0.05 },
];

describe(`resume through files fuzz (fast-check seed ${SEED}, ${RUNS} runs)`, () => {
  it('a run resumed from a checkpoint file continues bit for bit', async () => {
    console.log(`fuzzResume: fast-check seed ${SEED}`);
    const input = fc.record({
      optimizer: fc.nat(OPTIMIZERS.length - 1),
      before: fc.integer({ min: 0, max: 4 }),
      after: fc.integer({ min: 1, max: 4 }),
      dataSeed: fc.nat(1000),
      batch: fc.integer({ min: 1, max: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(input, async (o) => {
        const random = createRandom(o.dataSeed);
        const batches = Array.from({ length: o.before + o.after }, () => ({
          input: Float32Array.from({ length: o.batch * 4 }, () => random() * 2 - 1),
          labels: Int32Array.from({ length: o.batch }, () => Math.floor(random() * 3)),
        }));
        const make = (params = built.params) =>
          new OrtTrainer({
            gradientModel: built.gradientModel,
            ort,
            optimizer: OPTIMIZERS[o.optimizer] as never,
            params: params.map((p) => ({ ...p, data: p.data.slice() })),
          });
        const straight = make();
        for (const b of batches) await straight.step(b);
        const first = make();
        for (const b of batches.slice(0, o.before)) await first.step(b);
        const resumed = make(
          buildGradientModel({
            input: [4],
            layers: [layers.dense({ units: 5 }), layers.relu(), layers.dense({ units: 3 })],
            loss: 'softmaxCrossEntropy',
            seed: 9,
          }).params,
        );
        resumed.loadCheckpoint(throughFile(first.checkpoint()));
        for (const b of batches.slice(o.before)) await resumed.step(b);
        resumed.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(straight.params[i].data)));
        expect(resumed.optimizer.state()).toEqual(straight.optimizer.state());
        await Promise.all([straight.release(), first.release(), resumed.release()]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
