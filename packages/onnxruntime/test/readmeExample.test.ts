import { expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { loadDigits } from '@gcopt/mnist-data';
import { buildGradientModel, layers, OrtTrainer, type OrtModule } from '../src/index.js';

it("the README's ten lines train and export a model", async () => {
  const { train, test } = loadDigits({ testCount: 300, trainLimit: 640 });
  const [images, labels, count] = [train.images, train.labels, train.count];
  const [testImages, testLabels, testCount] = [test.images, test.labels, test.count];

  const net = buildGradientModel({
    input: [1, 28, 28],
    loss: 'softmaxCrossEntropy',
    layers: [
      layers.conv2d({ filters: 8, kernel: 3, padding: 'same' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.flatten(),
      layers.dense({ units: 10 }),
    ],
  });
  const trainer = new OrtTrainer({
    ...net,
    ort: ort as unknown as OrtModule,
    optimizer: { name: 'Adam_GC2', lr: 1e-3 },
  });
  for (let epoch = 0; epoch < 3; epoch++) await trainer.trainEpoch({ input: images, labels, count }, { batchSize: 32 });
  const evaluation = await trainer.evaluate({ input: testImages, labels: testLabels, count: testCount });
  const onnxBytes = trainer.exportInferenceModel();

  expect(evaluation.accuracy).toBeGreaterThan(0.7);
  const session = await ort.InferenceSession.create(onnxBytes);
  const out = await session.run({ input: new ort.Tensor('float32', testImages.subarray(0, 784 * 4), [4, 1, 28, 28]) });
  expect(out.output.dims).toEqual([4, 10]);
});
