// What a brought-in gradient model can get wrong, found when it is read or at the step that shows
// it, never trained on: a gradient in another layout than its parameter (a [K,D] gradient for a
// [D,K] weight), labels of a type the trainer cannot feed, a fixed batch dimension, a bad out_axis.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, OrtTrainer, readGradientModel } from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { runtimes } from './helpers/runtimes.js';
import { classifierData, linearClassifier } from './helpers/linearClassifier.js';

const snapshotOf = (trainer: OrtTrainer) => ({
  params: trainer.params.map((p) => Array.from(p.data)),
  state: trainer.optimizer.state(),
});

describe('reading a gradient model', () => {
  it("refuses a declared gradient shape other than its parameter's, naming both, suggesting the transpose", () => {
    expect(() => readGradientModel(linearClassifier({ gradient: 'transposed' }))).toThrow(
      /gradient output 'grad.W' is declared \[4, 3\], the parameter 'W' is \[3, 4\].*transpose/,
    );
  });

  it('refuses an empty, non-integer or out-of-range out_axis', () => {
    for (const text of ['', ' ', '1.5', 'abc', '2', '-3', '0x1', '1e0']) {
      expect(() => readGradientModel(linearClassifier({ outAxis: text })), JSON.stringify(text)).toThrow(
        /'gcopt.param.W.out_axis' is .*not an axis of shape \[3, 4\]/,
      );
    }
    expect(readGradientModel(linearClassifier({ outAxis: '-1' })).params[0].outAxis).toBe(-1);
    expect(readGradientModel(linearClassifier({ outAxis: '0' })).params[0].outAxis).toBe(0);
  });

  it('reads the labels type and a fixed batch dimension', () => {
    expect(readGradientModel(linearClassifier()).labelsType).toBe('float');
    expect(readGradientModel(linearClassifier({ labels: 'int64' })).labelsType).toBe('int64');
    expect(readGradientModel(linearClassifier({ labels: 'int32' })).labelsType).toBe('int32');
    expect(() => readGradientModel(linearClassifier({ labels: 'uint8' }))).toThrow(
      /labels input 'y' has ONNX data type 2 \(uint8\); the trainer feeds float.*int64 or int32 class indices/,
    );
    expect(readGradientModel(linearClassifier()).batchSize).toBeUndefined();
    expect(readGradientModel(linearClassifier({ batch: 8 })).batchSize).toBe(8);
  });
});

describe('onnxruntime-training graphs', () => {
  it('a com.microsoft *Grad op is refused when the model is read; neither runtime can run one', async () => {
    const model = decodeModel(linearClassifier());
    model.opsetImport.push({ domain: 'com.microsoft', version: 1 });
    model.graph.node.push({
      opType: 'ReluGrad',
      domain: 'com.microsoft',
      input: ['logits', 'logits'],
      output: ['unused'],
      name: 'relu_grad',
    });
    const bytes = encodeModel(model);
    expect(() => readGradientModel(bytes)).toThrow(
      /node 'relu_grad' is com.microsoft:ReluGrad, an onnxruntime-training op that onnxruntime-node/,
    );
    for (const [, ort] of runtimes)
      await expect(ort.InferenceSession.create(bytes)).rejects.toThrow(/ReluGrad.*is not a registered function\/op/);
  });
});

describe.each(runtimes)('training a brought-in model on %s', (_name, ort) => {
  it('a gradient returned with other dims than its parameter is refused at the step, changing nothing', async () => {
    for (const gradShape of ['symbolic', 'absent'] as const) {
      const trainer = new OrtTrainer({
        gradientModel: linearClassifier({ gradient: 'transposed', gradShape }),
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.1 },
      });
      const before = snapshotOf(trainer);
      const data = classifierData(8, createRandom(1));
      await expect(trainer.step(data)).rejects.toThrow(
        /gradient output 'grad.W' has shape \[4, 3\], the parameter 'W' is \[3, 4\].*transpose/,
      );
      expect(snapshotOf(trainer)).toEqual(before);
      await trainer.release();
    }
  });

  it('int64 and int32 class-index labels train as one-hot float labels do, bit for bit', async () => {
    const data = classifierData(16, createRandom(2));
    const oneHot = new OrtTrainer({ gradientModel: linearClassifier(), ort, optimizer: { name: 'Adam_GC2', lr: 0.1 } });
    for (let s = 0; s < 5; s++) await oneHot.step(data);
    for (const labels of ['int64', 'int32'] as const) {
      const indices = new OrtTrainer({
        gradientModel: linearClassifier({ labels }),
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.1 },
      });
      for (let s = 0; s < 5; s++) await indices.step(data);
      expect(Array.from(indices.params[0].data), labels).toEqual(Array.from(oneHot.params[0].data));
      const evaluation = await indices.evaluate(data);
      expect(evaluation.accuracy).toBe((await oneHot.evaluate(data)).accuracy);
      await expect(indices.step({ input: data.input, labels: new Float32Array(16 * 4) })).rejects.toThrow(
        /batch.labels: this model takes 16 class indices \(its labels input is int/,
      );
      await expect(
        indices.step({ input: data.input, labels: [0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }),
      ).rejects.toThrow(/batch.labels\[4\]: class index 4 is outside 0..3/);
      await expect(indices.step({ input: data.input, labels: Array(16).fill(0.5) })).rejects.toThrow(
        /batch.labels\[0\]: class index 0.5/,
      );
      await indices.release();
    }
    await oneHot.release();
  });

  it('a fixed batch dimension: step needs that many examples; trainEpoch drops the partial last batch', async () => {
    const model = linearClassifier({ batch: 8 });
    const trainer = new OrtTrainer({ gradientModel: model, ort, optimizer: { name: 'SGD_GC', lr: 0.1 } });
    const data = classifierData(21, createRandom(3));
    const before = snapshotOf(trainer);
    await expect(
      trainer.step({ input: data.input.subarray(0, 15), labels: data.labels.subarray(0, 5) }),
    ).rejects.toThrow(/batch: the gradient model has a fixed batch dimension of 8, got 5 examples/);
    await expect(trainer.trainEpoch(data, { batchSize: 16 })).rejects.toThrow(
      /trainEpoch: batchSize 16 differs from the gradient model's fixed batch dimension 8/,
    );
    expect(snapshotOf(trainer)).toEqual(before);
    const epoch = await trainer.trainEpoch(data, { batchSize: 8 });
    expect(epoch).toMatchObject({ steps: 2, dropped: 5 });
    expect(trainer.optimizer.stepCount).toBe(2);
    const defaultBatch = await trainer.trainEpoch(data, {});
    expect(defaultBatch).toMatchObject({ steps: 2, dropped: 5 });
    const evaluation = await trainer.evaluate(data);
    expect(evaluation).toMatchObject({ count: 16, dropped: 5 });
    await expect(trainer.trainEpoch(classifierData(5, createRandom(4)), { batchSize: 8 })).rejects.toThrow(
      /5 examples make no full batch of 8/,
    );
    await trainer.release();
  });
});
