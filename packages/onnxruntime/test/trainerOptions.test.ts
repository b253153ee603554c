// Option objects of the trainer and its methods: an unknown name or a value of the wrong type is an
// error naming it, before anything runs or changes.
import { describe, expect, it } from 'vitest';
import { buildGradientModel, layers, OrtTrainer } from '../src/index.js';
import { runtimes } from './helpers/runtimes.js';

const ort = runtimes[0][1];
const built = buildGradientModel({
  input: [2],
  layers: [layers.dense({ units: 2 })],
  loss: 'softmaxCrossEntropy',
  seed: 1,
});
const make = (extra: Record<string, unknown> = {}) =>
  new OrtTrainer({
    gradientModel: built.gradientModel,
    ort,
    optimizer: 'Adam_GC2',
    params: built.params,
    ...extra,
  } as never);
const data = { input: new Float32Array([1, 2, 3, 4]), labels: [0, 1], count: 2 };

describe('OrtTrainer options', () => {
  it('refuses unknown option names and wrong types, naming the option', async () => {
    expect(() => make({ sesionOptions: {} })).toThrow(
      /OrtTrainer: unknown option 'sesionOptions'; known: gradientModel, ort, optimizer, params, inferenceModel/,
    );
    expect(() => make({ inferenceModel: [1, 2] })).toThrow(
      /OrtTrainer: option 'inferenceModel' must be a Uint8Array, got Array/,
    );
    expect(() => make({ sessionOptions: 'fast' })).toThrow(
      /OrtTrainer: option 'sessionOptions' must be an object, got "fast"/,
    );
    expect(() => new OrtTrainer({ gradientModel: 'model.onnx', ort, optimizer: 'Adam_GC2' } as never)).toThrow(
      /option 'gradientModel' must be a Uint8Array, got "model.onnx"/,
    );
    expect(() => make({ optimizer: { name: 'SGD_GC', lr: 0.1, momentun: 0.9 } })).toThrow(/momentun/);
    const trainer = make();
    const before = trainer.params.map((p) => Array.from(p.data));
    await expect(trainer.step(data, { learningRate: 0.1 } as never)).rejects.toThrow(
      /step: unknown option 'learningRate'; known: lr/,
    );
    await expect(trainer.step(data, { lr: '0.1' } as never)).rejects.toThrow(
      /step: option 'lr' must be a number, got "0.1"/,
    );
    await expect(trainer.trainEpoch(data, { batchsize: 2 } as never)).rejects.toThrow(
      /trainEpoch: unknown option 'batchsize'/,
    );
    await expect(trainer.trainEpoch(data, { batchSize: 2, random: 0.5 } as never)).rejects.toThrow(
      /trainEpoch: option 'random' must be a function, got 0.5/,
    );
    await expect(trainer.evaluate(data, { batch: 2 } as never)).rejects.toThrow(/evaluate: unknown option 'batch'/);
    await expect(trainer.trainEpoch(data, null as never)).rejects.toThrow(
      /trainEpoch: expected an options object, got null/,
    );
    expect(trainer.params.map((p) => Array.from(p.data))).toEqual(before);
    expect(trainer.optimizer.stepCount).toBe(0);
  });
});
