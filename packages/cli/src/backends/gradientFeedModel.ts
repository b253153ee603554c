import type * as OrtAdapter from '@gcopt/onnxruntime';

const FLOAT = 1;
const INT64 = 7;
const INT_ATTRIBUTE = 2;
const TENSOR_ATTRIBUTE = 4;

/** The names the gradient-feed model uses for its batch input, labels and loss. */
export const FEED = { input: 'x', labels: 'y', loss: 'loss' } as const;

type NodeProto = OrtAdapter.ModelProto['graph']['node'][number];

function node(opType: string, name: string, input: string[], output: string, attribute: NodeProto['attribute'] = []) {
  return { opType, name, input, output: [output], attribute };
}

function int64Constant(name: string, values: number[]): NodeProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  const value = { dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) };
  return node('Constant', name, [], name, [{ name: 'value', type: TENSOR_ATTRIBUTE, t: value }]);
}

const floatInput = (name: string, dims: readonly (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

/**
 * A gradient model (the `gradient-model/1` contract) whose gradient outputs are fed from its batch
 * input: `x` is `[1, Σ size]`, every recorded gradient of a step laid end to end, and `grad.<p>` is
 * `Reshape(Slice(x, offset, offset + size), shape)`. So a replayed step's gradients travel through a
 * real ONNX Runtime session, exactly (slices and reshapes only move float32 values). The loss is
 * `ReduceSum(y)`, the labels a dummy; each parameter is consumed by a `Shape` node so that the
 * runtime keeps its input. Built with the package's own ONNX encoder.
 */
export function gradientFeedModel(
  ort: typeof OrtAdapter,
  params: readonly { name: string; shape: readonly number[]; outAxis: number }[],
): Uint8Array {
  const nodes: NodeProto[] = [];
  const outputs = [floatInput(FEED.loss, [])];
  let offset = 0;
  params.forEach((p, i) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    nodes.push(int64Constant(`starts.${i}`, [offset]), int64Constant(`ends.${i}`, [offset + size]));
    nodes.push(int64Constant(`axes.${i}`, [1]), int64Constant(`shape.${i}`, [...p.shape]));
    nodes.push(node('Slice', `slice.${i}`, [FEED.input, `starts.${i}`, `ends.${i}`, `axes.${i}`], `flat.${i}`));
    nodes.push(node('Reshape', `reshape.${i}`, [`flat.${i}`, `shape.${i}`], `grad.${p.name}`));
    nodes.push(node('Shape', `keep.${i}`, [p.name], `shapeof.${i}`));
    outputs.push(floatInput(`grad.${p.name}`, p.shape));
    offset += size;
  });
  nodes.push(node('ReduceSum', 'loss', [FEED.labels], FEED.loss, [{ name: 'keepdims', type: INT_ATTRIBUTE, i: 0 }]));
  return ort.encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'gradient_feed',
      node: nodes,
      input: [
        floatInput(FEED.input, ['n', offset]),
        floatInput(FEED.labels, ['n', 1]),
        ...params.map((p) => floatInput(p.name, p.shape)),
      ],
      output: outputs,
    },
    metadataProps: ort.contractMetadata(
      FEED,
      params.map((p) => ({ name: p.name, outAxis: p.outAxis, gc: true })),
    ),
  });
}
