import { describe, expect, it } from 'vitest';
import { createOptimizer, NonFiniteGradientError } from '@gcopt/float32';
import {
  buildGradientModel,
  decodeModel,
  encodeModel,
  exportInferenceModel,
  layers,
  OrtTrainer,
  withParamsAsInputs,
  type NetworkSpec,
} from '../src/index.js';
import { floatTensor } from '../src/builder/graphBuilder.js';
import { createRandom } from '../src/builder/initializers.js';
import { defaultSessionOptions } from '../src/ortTypes.js';
import { runtimes } from './helpers/runtimes.js';

const spec: NetworkSpec = {
  input: [1, 6, 6],
  layers: [
    layers.conv2d({ filters: 3, kernel: 3, padding: 'same' }),
    layers.relu(),
    layers.maxPool({ size: 2 }),
    layers.flatten(),
    layers.dense({ units: 4 }),
  ],
  loss: 'softmaxCrossEntropy',
  seed: 5,
};

/** A learnable toy task: the class is the quadrant holding the brightest pixel. */
function toyData(count: number, seed: number) {
  const random = createRandom(seed);
  const input = new Float32Array(count * 36);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < 36; i++) input[n * 36 + i] = random() * 0.5;
    const cls = Math.floor(random() * 4);
    const row = (cls >> 1) * 3 + Math.floor(random() * 3);
    const col = (cls & 1) * 3 + Math.floor(random() * 3);
    input[n * 36 + row * 6 + col] = 2;
    labels[n] = cls;
  }
  return { input, labels, count };
}

const copyParams = (params: readonly { name: string; shape: readonly number[]; data: Float32Array }[]) =>
  params.map((p) => ({ ...p, shape: [...p.shape], data: p.data.slice() }));

describe.each(runtimes)('OrtTrainer on %s', (_name, ort) => {
  it("a step = the gradient model's gradients handed to the float32 optimizer (bit for bit)", async () => {
    const built = buildGradientModel(spec);
    const reference = copyParams(built.params);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: built.params,
    });
    const refOpt = createOptimizer('Adam_GC2', { lr: 0.01 }, reference);
    const session = await ort.InferenceSession.create(built.gradientModel, defaultSessionOptions);
    const data = toyData(8, 1);
    const oneHot = new Float32Array(8 * 4);
    data.labels.forEach((c, n) => (oneHot[n * 4 + c] = 1));
    for (let s = 0; s < 3; s++) {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
        input: new ort.Tensor('float32', data.input, [8, 1, 6, 6]),
        labels: new ort.Tensor('float32', oneHot, [8, 4]),
      };
      for (const p of reference) feeds[p.name] = new ort.Tensor('float32', p.data, p.shape);
      const out = await session.run(feeds);
      refOpt.step(Object.fromEntries(reference.map((p) => [p.name, out[`grad.${p.name}`].data as Float32Array])));
      const result = await trainer.step({ input: data.input, labels: data.labels });
      expect(result.loss).toBe((out.loss.data as Float32Array)[0]);
      expect(result.applied).toBe(true);
      expect(result.step).toBe(s + 1);
    }
    for (const [i, p] of trainer.params.entries())
      expect(Array.from(p.data), p.name).toEqual(Array.from(reference[i].data));
    expect(trainer.params[0].data).toBe(built.params[0].data); // trained in place
    expect(Array.from(built.params[0].data)).not.toEqual(Array.from(buildGradientModel(spec).params[0].data));
    // @gcopt/float32's default backend: the fast path, reported on the trainer's optimizer
    expect(trainer.optimizer.backend).toEqual({ name: 'fast', groups: ['fast'], note: '' });
    await trainer.release();
  });

  it("optimizer options reach @gcopt/float32 (backend 'core'); an unfused one runs on the core, said so", async () => {
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: { name: 'Adam_GC2', lr: 0.01, backend: 'core' },
      params: built.params,
    });
    expect(trainer.optimizer.backend.name).toBe('core');
    const byName = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: 'RAdam',
      params: copyParams(built.params),
    });
    expect(byName.optimizer.backend).toMatchObject({
      name: 'core',
      note: expect.stringMatching(/^RAdam runs on the core/),
    });
    await byName.release();
    await trainer.release();
  });

  it('learns a toy task (loss falls, accuracy above chance); evaluates with and without inference model', async () => {
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      inferenceModel: built.inferenceModel,
      ort,
      optimizer: { name: 'SGD_GC', lr: 0.1, momentum: 0.9 },
      params: built.params,
    });
    const train = toyData(256, 2);
    const test = toyData(128, 3);
    const random = createRandom(9);
    const first = await trainer.trainEpoch(train, { batchSize: 32, random });
    let last = first;
    for (let e = 0; e < 4; e++) last = await trainer.trainEpoch(train, { batchSize: 32, random });
    expect(last.meanLoss).toBeLessThan(first.meanLoss * 0.5);
    const withInference = await trainer.evaluate(test);
    expect(withInference.accuracy).toBeGreaterThan(0.8);
    const viaGradientModel = await new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: { name: 'SGD_GC', lr: 0.1 },
      params: trainer.params,
    }).evaluate(test, { batchSize: 50 });
    expect(viaGradientModel.accuracy).toBe(withInference.accuracy);
    expect(viaGradientModel.loss).toBeGreaterThan(0);
    expect(viaGradientModel.loss).toBeLessThan(first.meanLoss);
  });

  it('checkpoint round trip: resuming from a checkpoint continues bit for bit', async () => {
    const data = toyData(64, 4);
    const batches = [0, 1, 2, 3].map((b) => ({
      input: data.input.subarray(b * 16 * 36, (b + 1) * 16 * 36),
      labels: data.labels.subarray(b * 16, (b + 1) * 16),
    }));
    const a = new OrtTrainer({
      gradientModel: buildGradientModel(spec).gradientModel,
      ort,
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: buildGradientModel(spec).params,
    });
    await a.step(batches[0]);
    await a.step(batches[1]);
    const saved = a.checkpoint();
    await a.step(batches[2]);
    await a.step(batches[3]);
    const b = new OrtTrainer({
      gradientModel: buildGradientModel(spec).gradientModel,
      ort,
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: buildGradientModel({ ...spec, seed: 99 }).params,
    });
    b.loadCheckpoint(saved);
    expect(b.optimizer.stepCount).toBe(2);
    await b.step(batches[2]);
    await b.step(batches[3]);
    for (const [i, p] of a.params.entries()) expect(Array.from(b.params[i].data), p.name).toEqual(Array.from(p.data));
    expect(b.optimizer.state()).toEqual(a.optimizer.state());
  });

  it('a checkpoint of another model is refused and changes nothing', async () => {
    const other = buildGradientModel({ ...spec, layers: [layers.flatten(), layers.dense({ units: 4 })] });
    const foreign = new OrtTrainer({
      gradientModel: other.gradientModel,
      ort,
      optimizer: 'Adam_GC2',
      params: other.params,
    }).checkpoint();
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: 'Adam_GC2',
      params: built.params,
    });
    const before = copyParams(trainer.params);
    const stateBefore = trainer.optimizer.state();
    expect(() => trainer.loadCheckpoint(foreign)).toThrow(
      /does not fit this model.*'conv2d1.weight' is missing.*'dense1.weight' has shape \[36, 4\]/,
    );
    const sgd = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: { name: 'SGD_GC', lr: 0.1 },
      params: copyParams(built.params),
    }).checkpoint();
    expect(() => trainer.loadCheckpoint(sgd)).toThrow(/SGD_GC/);
    expect(() => trainer.loadCheckpoint(new Uint8Array(10))).toThrow(/not a gcopt ONNX Runtime checkpoint/);
    const own = trainer.checkpoint();
    expect(() => trainer.loadCheckpoint(own.subarray(0, own.length - 10))).toThrow(/checkpoint: truncated/);
    const corrupted = own.slice();
    corrupted[14] = 0x7b; // inside the JSON header
    expect(() => trainer.loadCheckpoint(corrupted)).toThrow(/checkpoint: /);
    trainer.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(before[i].data)));
    expect(trainer.optimizer.state()).toEqual(stateBefore);
  });

  it('exports the trained weights into the inference model as initializers', async () => {
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      inferenceModel: built.inferenceModel,
      ort,
      optimizer: { name: 'SGD_GC', lr: 0.1 },
      params: built.params,
    });
    const data = toyData(16, 5);
    const initial = await ort.InferenceSession.create(built.inferenceModel, defaultSessionOptions);
    const before = (await initial.run({ input: new ort.Tensor('float32', data.input, [16, 1, 6, 6]) })).output
      .data as Float32Array;
    await trainer.step(data);
    const exported = await ort.InferenceSession.create(trainer.exportInferenceModel(), defaultSessionOptions);
    expect(exported.inputNames).toEqual(['input']);
    const after = (await exported.run({ input: new ort.Tensor('float32', data.input, [16, 1, 6, 6]) })).output
      .data as Float32Array;
    expect(Array.from(after)).toEqual(Array.from(await trainer.predict(data.input)));
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });

  it('exportInferenceModel also fills an inference model taking its parameters as inputs; checks shapes', async () => {
    const built = buildGradientModel(spec);
    const asInputs = withParamsAsInputs(built.inferenceModel, built.params).model;
    expect(decodeModel(asInputs).graph.input.map((v) => v.name)).toEqual(['input', ...built.params.map((p) => p.name)]);
    const trained = built.params.map((p) => ({ ...p, data: p.data.map((v) => v * 0.5) }));
    const session = await ort.InferenceSession.create(exportInferenceModel(asInputs, trained), defaultSessionOptions);
    expect(session.inputNames).toEqual(['input']);
    const data = toyData(2, 8);
    const reference = await ort.InferenceSession.create(
      exportInferenceModel(built.inferenceModel, trained),
      defaultSessionOptions,
    );
    const run = async (s: typeof session) =>
      Array.from(
        (await s.run({ input: new ort.Tensor('float32', data.input, [2, 1, 6, 6]) })).output.data as Float32Array,
      );
    expect(await run(session)).toEqual(await run(reference));
    expect(() =>
      exportInferenceModel(built.inferenceModel, [
        { name: 'dense1.weight', shape: [4, 27], data: new Float32Array(108) },
      ]),
    ).toThrow(/initializer 'dense1.weight' has shape \[27, 4\], the parameter \[4, 27\]/);
    expect(() =>
      exportInferenceModel(built.inferenceModel, [{ name: 'nope', shape: [1], data: new Float32Array(1) }]),
    ).toThrow(/neither an initializer nor an input named 'nope'/);
  });

  it('trains a brought-in model: initial values from initializers, GC axes inferred without metadata', async () => {
    const built = buildGradientModel(spec);
    const model = decodeModel(built.gradientModel);
    model.metadataProps = model.metadataProps!.filter((e) => !e.key.startsWith('gcopt.param.'));
    model.graph.initializer!.push(
      ...built.params.map((p) => ({ ...floatTensor('float32', p.data, p.shape), name: p.name })),
    );
    const trainer = new OrtTrainer({
      gradientModel: encodeModel(model),
      ort,
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
    });
    expect(trainer.params.map((p) => [p.name, p.outAxis, p.gc])).toEqual([
      ['conv2d1.weight', 0, true],
      ['conv2d1.bias', 0, false],
      ['dense1.weight', 1, true],
      ['dense1.bias', 0, false],
    ]);
    expect(Array.from(trainer.params[2].data)).toEqual(Array.from(built.params[2].data));
    const data = toyData(32, 6);
    const first = (await trainer.step(data)).loss;
    for (let i = 0; i < 20; i++) await trainer.step(data);
    expect((await trainer.step(data)).loss).toBeLessThan(first);
  });

  it('bad batches and non-finite gradients are reported and change nothing', async () => {
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort,
      optimizer: 'Adam_GC2',
      params: built.params,
    });
    const before = copyParams(trainer.params);
    const stateBefore = trainer.optimizer.state();
    const data = toyData(4, 7);
    await expect(trainer.step({ input: data.input.subarray(0, 50), labels: data.labels })).rejects.toThrow(
      /batch.input: 50 values/,
    );
    await expect(trainer.step({ input: data.input, labels: [0, 1, 9, 2] })).rejects.toThrow(
      /batch.labels\[2\]: class index 9 is outside 0..3/,
    );
    await expect(trainer.step({ input: data.input, labels: [0, 1] })).rejects.toThrow(
      /batch.labels: expected 4 class indices/,
    );
    await expect(trainer.step({ input: Array.from(data.input) as never, labels: data.labels })).rejects.toThrow(
      /Float32Array, got Array/,
    );
    const overlapping = [trainer.step(data), trainer.step(data)];
    await expect(overlapping[1]).rejects.toThrow(/previous step has not finished/);
    await overlapping[0];
    trainer.params.forEach((p, i) => p.data.set(before[i].data));
    trainer.optimizer.loadState(stateBefore);
    await expect(trainer.trainEpoch(data, { batchSize: 0 })).rejects.toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    await expect(trainer.trainEpoch({ ...data, count: 5 }, { batchSize: 2 })).rejects.toThrow(
      /batch.input: 144 values do not make 5 examples/,
    );
    await expect(trainer.evaluate({ ...data, labels: data.labels.subarray(0, 3) })).rejects.toThrow(
      /evaluate: data.labels must hold 4 class indices or 16 targets, got 3 values/,
    );
    await expect(trainer.evaluate(data, { batchSize: -1 })).rejects.toThrow(
      /evaluate: batchSize must be a positive integer/,
    );
    const poisoned = data.input.slice();
    poisoned[3] = Number.NaN;
    await expect(trainer.step({ input: poisoned, labels: data.labels })).rejects.toThrow(NonFiniteGradientError);
    trainer.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(before[i].data)));
    expect(trainer.optimizer.stepCount).toBe(0);
    expect(
      () =>
        new OrtTrainer({
          gradientModel: built.gradientModel,
          ort,
          optimizer: 'Adam_GC2',
          params: { nope: new Float32Array(1) },
        }),
    ).toThrow(/'nope' is not a parameter input/);
    expect(
      () => new OrtTrainer({ gradientModel: built.gradientModel, ort: {} as never, optimizer: 'Adam_GC2' }),
    ).toThrow(/ort: expected the onnxruntime module/);
    expect(() => new OrtTrainer({ gradientModel: built.gradientModel, ort, optimizer: 'Adam_GC2' })).toThrow(
      /no initial value for 'conv2d1.weight'/,
    );
    expect(
      () =>
        new OrtTrainer({
          gradientModel: buildGradientModel({ ...spec, dtype: 'float64' }).gradientModel,
          ort,
          optimizer: 'Adam_GC2',
        }),
    ).toThrow(/float64/);
  });
});
