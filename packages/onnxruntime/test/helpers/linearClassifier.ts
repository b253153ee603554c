import { CONTRACT_VERSION, encodeModel } from '../../src/index.js';
import { GraphBuilder, floatTensor, type Dim } from '../../src/builder/graphBuilder.js';
import { DataType } from '../../src/onnx/types.js';

export interface LinearClassifierOptions {
  /** Features D and classes K: logits = x·W with W [D, K]. */
  features?: number;
  classes?: number;
  /** The labels input: one-hot float rows [N, K], or class indices [N] of an integer type. */
  labels?: 'float' | 'int64' | 'int32' | 'uint8';
  /** The batch dimension of every batch-shaped input: symbolic, or fixed as exported without dynamic axes. */
  batch?: Dim;
  /** 'transposed': the gradient is computed as dYᵀ·x, [K, D] for the [D, K] weight (the classic mistake). */
  gradient?: 'right' | 'transposed';
  /** How grad.W's shape is declared: its computed shape, symbolic dims, or not at all. */
  gradShape?: 'declared' | 'symbolic' | 'absent';
  /** Text of the `out_axis` metadata of W (absent: inferred from the MatMul). */
  outAxis?: string;
  /** Declares grad.W with exactly these dims (overrides `gradShape`; the graph still computes its own). */
  gradDims?: Dim[];
  /** Declares the labels input with this ONNX element type (overrides `labels` in the declaration only). */
  labelsElemType?: number;
}

/**
 * A softmax classifier written by hand against the contract, the way an exporter lays it out:
 * loss = −Σ t·logsoftmax(x·W) / N, dW = xᵀ·(softmax − t)/N, with t one-hot (integer labels are
 * expanded inside the graph with OneHot, as a PyTorch cross-entropy export takes class indices).
 * Initial W from an initializer.
 */
export function linearClassifier(options: LinearClassifierOptions = {}): Uint8Array {
  const {
    features: D = 3,
    classes: K = 4,
    labels = 'float',
    batch = 'n',
    gradient = 'right',
    gradShape = 'declared',
  } = options;
  const g = new GraphBuilder('float32');
  const labelType = { float: DataType.FLOAT, int64: DataType.INT64, int32: DataType.INT32, uint8: DataType.UINT8 }[
    labels
  ];
  g.addInput('x', DataType.FLOAT, [batch, D]);
  g.addInput('y', options.labelsElemType ?? labelType, labels === 'float' ? [batch, K] : [batch]);
  g.addInput('W', DataType.FLOAT, [D, K]);
  const logits = g.opNamed('MatMul', ['x', 'W'], 'logits');
  const t =
    labels === 'float'
      ? 'y'
      : g.op(
          'OneHot',
          [
            labels === 'int64' ? 'y' : g.op('Cast', ['y'], { to: { i: DataType.INT64 } }),
            g.int64Const([K], []),
            g.floatConst([0, 1]),
          ],
          { axis: { i: -1 } },
        );
  const n = g.op('Cast', [g.op('Gather', [g.op('Shape', ['x']), g.int64Const([0], [])], { axis: { i: 0 } })], {
    to: { i: DataType.FLOAT },
  });
  const logp = g.op('LogSoftmax', [logits], { axis: { i: -1 } });
  const total = g.op('ReduceSum', [g.op('Mul', [logp, t])], { keepdims: { i: 0 } });
  g.opNamed('Div', [g.op('Neg', [total]), n], 'loss');
  const dy = g.op('Div', [g.op('Sub', [g.op('Softmax', [logits], { axis: { i: -1 } }), t]), n]);
  if (gradient === 'right') g.opNamed('MatMul', [g.op('Transpose', ['x'], { perm: { ints: [1, 0] } }), dy], 'grad.W');
  else g.opNamed('MatMul', [g.op('Transpose', [dy], { perm: { ints: [1, 0] } }), 'x'], 'grad.W');
  g.addOutput('loss', DataType.FLOAT, []);
  g.addOutput('logits', DataType.FLOAT, [batch, K]);
  const computed = gradient === 'right' ? [D, K] : [K, D];
  if (options.gradDims) g.addOutput('grad.W', DataType.FLOAT, options.gradDims);
  else if (gradShape === 'declared') g.addOutput('grad.W', DataType.FLOAT, computed);
  else if (gradShape === 'symbolic') g.addOutput('grad.W', DataType.FLOAT, ['a', 'b']);
  else g.outputs.push({ name: 'grad.W', type: { tensorType: { elemType: DataType.FLOAT } } });
  const w = Array.from({ length: D * K }, (_, i) => Math.sin(i + 1) * 0.1);
  g.initializers.push({ ...floatTensor('float32', w, [D, K]), name: 'W' });
  const metadataProps = [
    { key: 'gcopt.contract', value: CONTRACT_VERSION },
    { key: 'gcopt.input', value: 'x' },
    { key: 'gcopt.labels', value: 'y' },
    { key: 'gcopt.loss', value: 'loss' },
    { key: 'gcopt.output', value: 'logits' },
  ];
  if (options.outAxis !== undefined) metadataProps.push({ key: 'gcopt.param.W.out_axis', value: options.outAxis });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'linear_classifier',
      node: g.nodes,
      initializer: g.initializers,
      input: g.inputs,
      output: g.outputs,
    },
    metadataProps,
  });
}

/** `count` examples of D features whose class is the arg-max of the first K features (learnable). */
export function classifierData(count: number, random: () => number, D = 3, K = 4) {
  const input = Float32Array.from({ length: count * D }, () => random() * 2 - 1);
  const labels = Int32Array.from({ length: count }, (_, n) => {
    let best = 0;
    for (let k = 1; k < Math.min(D, K); k++) if (input[n * D + k] > input[n * D + best]) best = k;
    return best;
  });
  return { input, labels, count };
}
