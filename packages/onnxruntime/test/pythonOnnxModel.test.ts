import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OrtTrainer, readGradientModel } from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { pythonWith } from './helpers/python.js';
import { runtimes } from './helpers/runtimes.js';

/**
 * A gradient model written by another tool — Python's `onnx.helper` (initializers in float_data, not
 * raw_data; Gemm with transB=1 and a PyTorch-layout weight; GC axis from metadata for one parameter and
 * inferred for the other) — read and trained by gcopt. Needs a Python with `onnx` (Debian's python3-onnx,
 * installed by scripts/provision-python.sh where the machine allows); reported as skipped without it.
 */
const python = pythonWith('onnx');

const script = `
import sys, onnx
from onnx import helper, TensorProto as T
# logits = Gemm(x, W, b, transB=1) with W [2, 3] (PyTorch Linear layout); MSE loss; explicit gradients
nodes = [
  helper.make_node('Gemm', ['x', 'W', 'b'], ['y'], transB=1),
  helper.make_node('Sub', ['y', 't'], ['d']),
  helper.make_node('Mul', ['d', 'd'], ['d2']),
  helper.make_node('ReduceMean', ['d2'], ['loss'], keepdims=0),
  helper.make_node('Size', ['y'], ['size_i']),
  helper.make_node('Cast', ['size_i'], ['size'], to=T.FLOAT),
  helper.make_node('Mul', ['d', 'two'], ['d_2']),
  helper.make_node('Div', ['d_2', 'size'], ['dy']),
  helper.make_node('Gemm', ['dy', 'x'], ['grad.W'], transA=1),
  helper.make_node('ReduceSum', ['dy', 'axis0'], ['grad.b'], keepdims=0),
]
graph = helper.make_graph(nodes, 'pyreg',
  [helper.make_tensor_value_info('x', T.FLOAT, ['n', 3]), helper.make_tensor_value_info('t', T.FLOAT, ['n', 2]),
   helper.make_tensor_value_info('W', T.FLOAT, [2, 3]), helper.make_tensor_value_info('b', T.FLOAT, [2])],
  [helper.make_tensor_value_info('loss', T.FLOAT, []), helper.make_tensor_value_info('grad.W', T.FLOAT, [2, 3]),
   helper.make_tensor_value_info('grad.b', T.FLOAT, [2])],
  [helper.make_tensor('W', T.FLOAT, [2, 3], [0.1, 0.2, 0.3, -0.1, -0.2, -0.3]),
   helper.make_tensor('b', T.FLOAT, [2], [0.0, 0.0]),
   helper.make_tensor('two', T.FLOAT, [], [2.0]), helper.make_tensor('axis0', T.INT64, [1], [0])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], ir_version=8)
for k, v in {'gcopt.contract': 'gradient-model/1', 'gcopt.input': 'x', 'gcopt.labels': 't', 'gcopt.loss': 'loss',
              'gcopt.param.b.gc': 'false'}.items():
    model.metadata_props.add(key=k, value=v)
onnx.checker.check_model(model, full_check=True)
sys.stdout.buffer.write(model.SerializeToString())
`;

describe.skipIf(!python)('a gradient model written by python onnx.helper', () => {
  const bytes = python ? new Uint8Array(execFileSync(python, ['-c', script])) : new Uint8Array();

  it('is read as the contract says (float_data initializers, Gemm transB=1 → GC axis 0)', () => {
    const info = readGradientModel(bytes);
    expect(info.params.map((p) => [p.name, p.shape, p.outAxis, p.gc, Array.from(p.initial!)])).toEqual([
      ['W', [2, 3], 0, true, [0.1, 0.2, 0.3, -0.1, -0.2, -0.3].map(Math.fround)],
      ['b', [2], 0, false, [0, 0]],
    ]);
  });

  it.each(runtimes)(
    'trains on %s: plain Adam fits the data; Adam_GC2 keeps each output row of W (axis 0) at its sum',
    async (_name, ort) => {
      const random = createRandom(5);
      const x = Float32Array.from({ length: 64 * 3 }, () => 2 * random() - 1);
      const t = new Float32Array(64 * 2);
      for (let n = 0; n < 64; n++) {
        t[n * 2] = x[n * 3] - x[n * 3 + 1] + 0.25;
        t[n * 2 + 1] = 2 * x[n * 3 + 2] - 0.25;
      }
      const plain = new OrtTrainer({ gradientModel: bytes, ort, optimizer: { name: 'Adam', lr: 0.05, useGc: false } });
      for (let s = 0; s < 400; s++) await plain.step({ input: x, labels: t });
      expect((await plain.step({ input: x, labels: t })).loss).toBeLessThan(1e-4);

      // Adam_GC2 centralizes each update over the output axis: W's row sums (0.6, -0.6) cannot move,
      // while the target's are (0, 2); the loss falls only as far as that constraint allows.
      const gc = new OrtTrainer({ gradientModel: bytes, ort, optimizer: { name: 'Adam_GC2', lr: 0.05 } });
      const first = (await gc.step({ input: x, labels: t })).loss;
      for (let s = 0; s < 400; s++) await gc.step({ input: x, labels: t });
      const w = gc.params[0].data;
      expect(w[0] + w[1] + w[2]).toBeCloseTo(0.6, 5);
      expect(w[3] + w[4] + w[5]).toBeCloseTo(-0.6, 5);
      const last = (await gc.step({ input: x, labels: t })).loss;
      expect(last).toBeLessThan(first / 2);
      expect(last).toBeGreaterThan(0.1);
    },
  );
});
