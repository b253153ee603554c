import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, encodeModel, OrtTrainer, readGradientModel } from '../src/index.js';
import { GraphBuilder, floatTensor } from '../src/builder/graphBuilder.js';
import { DataType } from '../src/onnx/types.js';
import { createRandom } from '../src/builder/initializers.js';
import { runtimes } from './helpers/runtimes.js';

/**
 * A gradient model written by hand against the contract, without the builder's layers: linear
 * regression y = x·W + b (MatMul + Add) with loss = mean((y − t)²), and its gradients
 * dW = xᵀ·dy, db = Σ dy, dy = 2(y − t)/size. Only the three required metadata keys besides the
 * contract version; initial values as initializers; GC axes left to inference (MatMul → last axis).
 */
function handWrittenLinearRegression(): Uint8Array {
  const g = new GraphBuilder('float32');
  g.addInput('x', DataType.FLOAT, ['n', 3]);
  g.addInput('t', DataType.FLOAT, ['n', 2]);
  g.addInput('W', DataType.FLOAT, [3, 2]);
  g.addInput('b', DataType.FLOAT, [2]);
  const y = g.op('Add', [g.op('MatMul', ['x', 'W']), 'b']);
  const diff = g.op('Sub', [y, 't']);
  g.opNamed('ReduceMean', [g.op('Mul', [diff, diff])], 'mse', { keepdims: { i: 0 } });
  const dy = g.op('Div', [
    g.op('Mul', [diff, g.floatConst([2])]),
    g.op('Cast', [g.op('Size', [y])], { to: { i: DataType.FLOAT } }),
  ]);
  g.opNamed('MatMul', [g.op('Transpose', ['x'], { perm: { ints: [1, 0] } }), dy], 'grad.W');
  g.opNamed('ReduceSum', [dy, g.int64Const([0])], 'grad.b', { keepdims: { i: 0 } });
  g.addOutput('mse', DataType.FLOAT, []);
  g.addOutput('grad.W', DataType.FLOAT, [3, 2]);
  g.addOutput('grad.b', DataType.FLOAT, [2]);
  g.initializers.push(
    { ...floatTensor('float32', [0, 0, 0, 0, 0, 0], [3, 2]), name: 'W' },
    { ...floatTensor('float32', [0, 0], [2]), name: 'b' },
  );
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'linear_regression',
      node: g.nodes,
      initializer: g.initializers,
      input: g.inputs,
      output: g.outputs,
    },
    metadataProps: [
      { key: 'gcopt.contract', value: CONTRACT_VERSION },
      { key: 'gcopt.input', value: 'x' },
      { key: 'gcopt.labels', value: 't' },
      { key: 'gcopt.loss', value: 'mse' },
    ],
  });
}

describe.each(runtimes)('a hand-written contract model on %s', (_name, ort) => {
  it('is read as documented and trained to the least-squares solution', async () => {
    const model = handWrittenLinearRegression();
    const info = readGradientModel(model);
    expect(info.params.map((p) => [p.name, p.shape, p.outAxis, p.gc])).toEqual([
      ['W', [3, 2], -1, true],
      ['b', [2], 0, false],
    ]);
    expect(info.output).toBeUndefined();
    const trainer = new OrtTrainer({ gradientModel: model, ort, optimizer: { name: 'Adam', lr: 0.05, useGc: false } });
    expect(trainer.optimizer.params.map((p) => p.outAxis)).toEqual([1, 0]);
    // t = x·W* + b* with W* = [[1, -1], [2, 0], [0, 3]], b* = [0.5, -0.5]
    const random = createRandom(11);
    const x = Float32Array.from({ length: 64 * 3 }, () => 2 * random() - 1);
    const t = new Float32Array(64 * 2);
    for (let n = 0; n < 64; n++) {
      const [a, b, c] = [x[n * 3], x[n * 3 + 1], x[n * 3 + 2]];
      t[n * 2] = a + 2 * b + 0.5;
      t[n * 2 + 1] = -a + 3 * c - 0.5;
    }
    let loss = Infinity;
    for (let s = 0; s < 400; s++) loss = (await trainer.step({ input: x, labels: t })).loss;
    expect(loss).toBeLessThan(1e-4);
    expect(Array.from(trainer.params[0].data).map((v) => Number(v.toFixed(2)))).toEqual([1, -1, 2, 0, 0, 3]);
    const evaluation = await trainer.evaluate({ input: x, labels: t, count: 64 });
    expect(evaluation.accuracy).toBeUndefined();
    expect(evaluation.loss).toBeCloseTo(loss, 5);
  });
});
