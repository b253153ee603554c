import { describe, expect, it } from 'vitest';
import { buildGradientModel, decodeModel, encodeModel, layers, metadataKeys, readGradientModel } from '../src/index.js';
import { defaultSessionOptions } from '../src/ortTypes.js';
import { runtimes } from './helpers/runtimes.js';

const cnn = {
  input: [1, 8, 8],
  layers: [
    layers.conv2d({ filters: 4, kernel: 3, padding: 'same' as const }),
    layers.relu(),
    layers.maxPool({ size: 2 }),
    layers.flatten(),
    layers.dense({ units: 5 }),
  ],
  loss: 'softmaxCrossEntropy' as const,
};

describe('buildGradientModel', () => {
  it('declares the contract: names, parameter shapes, GC axes (Conv 0, Gemm 1), GC off for biases', () => {
    const built = buildGradientModel(cnn);
    const info = readGradientModel(built.gradientModel);
    expect([info.input, info.labels, info.loss, info.output]).toEqual(['input', 'labels', 'loss', 'output']);
    expect(info.floatType).toBe('float32');
    expect(info.inputShape).toEqual([1, 8, 8]);
    expect(info.params.map((p) => [p.name, p.shape, p.outAxis, p.gc])).toEqual([
      ['conv2d1.weight', [4, 1, 3, 3], 0, true],
      ['conv2d1.bias', [4], 0, false],
      ['dense1.weight', [64, 5], 1, true],
      ['dense1.bias', [5], 0, false],
    ]);
    expect(built.params.map((p) => p.name)).toEqual(info.params.map((p) => p.name));
    expect(built.params[0].data).toBeInstanceOf(Float32Array);
    const model = decodeModel(built.gradientModel);
    expect(model.opsetImport[0].version).toBeGreaterThanOrEqual(13);
    expect(model.graph.output.map((o) => o.name)).toEqual([
      'loss',
      'output',
      'grad.conv2d1.weight',
      'grad.conv2d1.bias',
      'grad.dense1.weight',
      'grad.dense1.bias',
    ]);
  });

  it("dense weights in PyTorch's [out, in] layout: Gemm transB=1, GC axis 0, also when inferred", () => {
    const built = buildGradientModel({
      input: [6],
      layers: [layers.dense({ units: 3, weightLayout: 'outIn' })],
      loss: 'meanSquaredError',
    });
    expect(built.params.map((p) => [p.name, p.shape, p.outAxis])).toEqual([
      ['dense1.weight', [3, 6], 0],
      ['dense1.bias', [3], 0],
    ]);
    const model = decodeModel(built.gradientModel);
    model.metadataProps = model.metadataProps!.filter((e) => !e.key.endsWith('.out_axis'));
    expect(readGradientModel(encodeModel(model)).params[0].outAxis).toBe(0);
    expect(() =>
      buildGradientModel({
        input: [6],
        layers: [layers.dense({ units: 3, weightLayout: 'nchw' as never })],
        loss: 'meanSquaredError',
      }),
    ).toThrow(/dense1.weightLayout/);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = buildGradientModel({ ...cnn, seed: 3 });
    expect(buildGradientModel({ ...cnn, seed: 3 }).gradientModel).toEqual(a.gradientModel);
    expect(buildGradientModel({ ...cnn, seed: 4 }).params[0].data).not.toEqual(a.params[0].data);
  });

  it('infers GC axes from the consuming node when the metadata leaves them out', () => {
    const model = decodeModel(buildGradientModel(cnn).gradientModel);
    model.metadataProps = model.metadataProps!.filter((e) => !e.key.endsWith('.out_axis') && !e.key.endsWith('.gc'));
    const info = readGradientModel(encodeModel(model));
    expect(info.params.map((p) => [p.name, p.outAxis, p.gc])).toEqual([
      ['conv2d1.weight', 0, true],
      ['conv2d1.bias', 0, false],
      ['dense1.weight', 1, true],
      ['dense1.bias', 0, false],
    ]);
  });

  it('rejects models that break the contract, naming what is wrong', () => {
    const model = decodeModel(buildGradientModel(cnn).gradientModel);
    const without = (key: string) =>
      encodeModel({ ...model, metadataProps: model.metadataProps!.filter((e) => e.key !== key) });
    expect(() => readGradientModel(without(metadataKeys.contract))).toThrow(/gcopt.contract.*is this a gradient model/);
    expect(() => readGradientModel(without(metadataKeys.loss))).toThrow(/lacks 'gcopt.loss'/);
    const noGrad = {
      ...model,
      graph: { ...model.graph, output: model.graph.output.filter((o) => o.name !== 'grad.dense1.weight') },
    };
    expect(() => readGradientModel(encodeModel(noGrad))).toThrow(
      /'dense1.weight' has no gradient output 'grad.dense1.weight'/,
    );
    expect(() => readGradientModel(new Uint8Array([1, 2, 3]))).toThrow(/not a valid ONNX protobuf|gcopt.contract/);
    expect(() => readGradientModel('model.onnx' as never)).toThrow(/Uint8Array/);
  });

  it('rejects bad layer stacks with the layer and the fix', () => {
    expect(() =>
      buildGradientModel({ ...cnn, layers: [layers.conv2d({ filters: 2, kernel: 3 }), layers.dense({ units: 2 })] }),
    ).toThrow(/dense1: expects an input of rank 1.*flatten/);
    expect(() => buildGradientModel({ ...cnn, layers: [layers.conv2d({ filters: 2, kernel: 9 })] })).toThrow(
      /conv2d1: the 9x9 kernel does not fit/,
    );
    expect(() => buildGradientModel({ ...cnn, layers: [layers.conv2d({ filters: 0, kernel: 3 })] })).toThrow(
      /conv2d1.filters/,
    );
    expect(() => buildGradientModel({ ...cnn, layers: [layers.dropout({ rate: 1 })] })).toThrow(/dropout1.rate/);
    expect(() => buildGradientModel({ ...cnn, loss: 'hinge' as never })).toThrow(/loss: expected one of/);
    expect(() =>
      buildGradientModel({ ...cnn, layers: [layers.flatten({ name: 'a' }), layers.dense({ units: 2, name: 'a' })] }),
    ).toThrow(/'a' is used twice/);
  });
});

describe.each(runtimes)('built models on %s', (_name, ort) => {
  it("the inference model computes the gradient model's output", async () => {
    const built = buildGradientModel({
      ...cnn,
      layers: [...cnn.layers.slice(0, 4), layers.dropout({ rate: 0.5 }), cnn.layers[4]],
    });
    const batch = 4;
    const input = Float32Array.from({ length: batch * 64 }, (_, i) => Math.sin(i * 0.37));
    const labels = new Float32Array(batch * 5).map((_, i) => (i % 5 === i % 3 ? 1 : 0));
    const inference = await ort.InferenceSession.create(built.inferenceModel, defaultSessionOptions);
    const predicted = (await inference.run({ input: new ort.Tensor('float32', input, [batch, 1, 8, 8]) })).output
      .data as Float32Array;
    // Dropout is active in the gradient model; build the same network with it as identity to compare.
    const deterministic = buildGradientModel({
      ...cnn,
      layers: [...cnn.layers.slice(0, 4), layers.dropout({ rate: 0.5 }), cnn.layers[4]],
      dropout: 'identity',
    });
    const training = await ort.InferenceSession.create(deterministic.gradientModel, defaultSessionOptions);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      input: new ort.Tensor('float32', input, [batch, 1, 8, 8]),
      labels: new ort.Tensor('float32', labels, [batch, 5]),
    };
    for (const p of deterministic.params) feeds[p.name] = new ort.Tensor('float32', p.data, p.shape);
    const out = await training.run(feeds);
    expect(Array.from(predicted)).toEqual(Array.from(out.output.data as Float32Array));
    expect(predicted.length).toBe(batch * 5);
  });

  it('dropout masks forward and backward alike and scales kept units by 1/(1-rate)', async () => {
    // input → dropout(0.5) → dense(1 unit, no bias) with MSE on one example: y = Σ mᵢ·2·xᵢ·wᵢ and
    // ∂L/∂xᵢ = mᵢ·2·wᵢ·2(y − t). The mask seen by the gradient must reproduce y.
    const n = 400;
    const built = buildGradientModel({
      input: [n],
      layers: [layers.dropout({ rate: 0.5 }), layers.dense({ units: 1, useBias: false })],
      loss: 'meanSquaredError',
      inputGradient: true,
    });
    const session = await ort.InferenceSession.create(built.gradientModel, defaultSessionOptions);
    const x = Float32Array.from({ length: n }, (_, i) => 1 + (i % 7) / 7);
    const w = built.params[0].data;
    const out = await session.run({
      input: new ort.Tensor('float32', x, [1, n]),
      labels: new ort.Tensor('float32', new Float32Array([0]), [1, 1]),
      [built.params[0].name]: new ort.Tensor('float32', w, [n, 1]),
    });
    const y = (out.output.data as Float32Array)[0];
    const gx = out['grad.input'].data as Float32Array;
    let kept = 0;
    let rebuilt = 0;
    for (let i = 0; i < n; i++) {
      const ratio = gx[i] / (w[i] * 2 * y);
      expect(Math.abs(ratio) < 1e-4 || Math.abs(ratio - 2) < 1e-3, `element ${i}: ratio ${ratio}`).toBe(true);
      if (Math.abs(ratio - 2) < 1e-3) {
        kept++;
        rebuilt += 2 * x[i] * w[i];
      }
    }
    expect(kept).toBeGreaterThan(n * 0.35);
    expect(kept).toBeLessThan(n * 0.65);
    expect(rebuilt).toBeCloseTo(y, 3);
  });
});
