// Fuzzing checkpoints as bytes: any view of a good checkpoint reads the same; any corruption
// (a flipped byte anywhere, truncation, extra bytes, random bytes) is refused with a 'checkpoint:'
// error, or by the float32 snapshot reader, and the trainer keeps every value; a version-1 file
// (without the checksum) still loads.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGradientModel, decodeCheckpoint, layers, OrtTrainer } from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { runtimes } from './helpers/runtimes.js';
import { throughFile } from './helpers/fileBytes.js';

const SEED = 20261130;
const RUNS = 1000;

const built = buildGradientModel({
  input: [3],
  layers: [layers.dense({ units: 4 }), layers.tanh(), layers.dense({ units: 2 })],
  loss: 'softmaxCrossEntropy',
  seed: 4,
});

async function trainedCheckpoint() {
  const trainer = new OrtTrainer({
    gradientModel: built.gradientModel,
    ort: runtimes[0][1],
    optimizer: { name: 'Adam_GC2', lr: 0.01 },
    params: built.params.map((p) => ({ ...p, data: p.data.slice() })),
  });
  const random = createRandom(1);
  await trainer.step({ input: Float32Array.from({ length: 12 }, () => random()), labels: [0, 1, 1, 0] });
  return { trainer, bytes: trainer.checkpoint() };
}

const stateOf = (t: OrtTrainer) => ({
  params: t.params.map((p) => Array.from(p.data)),
  optimizer: t.optimizer.state(),
});

describe(`checkpoint bytes fuzz (fast-check seed ${SEED}, ${RUNS} runs each)`, () => {
  it('every view of a checkpoint (any offset, Buffer or not) decodes to the same checkpoint', async () => {
    console.log(`fuzzCheckpoints: fast-check seed ${SEED}`);
    const { bytes } = await trainedCheckpoint();
    const expected = decodeCheckpoint(bytes);
    fc.assert(
      fc.property(fc.nat(64), fc.nat(16), fc.boolean(), (offset, tail, asBuffer) => {
        const backing = asBuffer
          ? Buffer.alloc(offset + bytes.length + tail, 0xa5)
          : new Uint8Array(offset + bytes.length + tail).fill(0xa5);
        backing.set(bytes, offset);
        const got = decodeCheckpoint(backing.subarray(offset, offset + bytes.length));
        expect(got.params.map((p) => Array.from(p.data))).toEqual(expected.params.map((p) => Array.from(p.data)));
        expect(got.optimizer).toEqual(expected.optimizer);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a corrupted checkpoint is refused with a clear error and changes nothing', async () => {
    const { bytes } = await trainedCheckpoint();
    const target = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort: runtimes[0][1],
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: built.params.map((p) => ({ ...p, data: p.data.slice() })),
    });
    const before = stateOf(target);
    const corruption = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(bytes.length - 1),
        xor: fc.integer({ min: 1, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(bytes.length - 1) }),
      fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('random' as const), data: fc.uint8Array({ maxLength: 256 }) }),
    );
    fc.assert(
      fc.property(corruption, (c) => {
        let bad: Uint8Array;
        if (c.kind === 'flip') {
          bad = bytes.slice();
          bad[c.at] ^= c.xor;
        } else if (c.kind === 'truncate') bad = bytes.slice(0, c.at);
        else if (c.kind === 'append') bad = Uint8Array.from([...bytes, ...c.extra]);
        else bad = c.data;
        expect(() => target.loadCheckpoint(bad)).toThrow(/^(checkpoint: |invalid optimizer snapshot|.*snapshot)/i);
        expect(stateOf(target)).toEqual(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a version-1 checkpoint (no checksum) still loads', async () => {
    const { trainer, bytes } = await trainedCheckpoint();
    const text = new TextDecoder().decode(bytes.subarray(0, 200));
    const at = text.indexOf('"version":2');
    expect(at).toBeGreaterThan(0);
    const v1 = bytes.slice(0, bytes.length - 4);
    v1.set(new TextEncoder().encode('"version":1'), at);
    const other = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort: runtimes[0][1],
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: built.params.map((p) => ({ ...p, data: p.data.slice() })),
    });
    other.loadCheckpoint(throughFile(v1));
    expect(stateOf(other)).toEqual(stateOf(trainer));
  });
});
