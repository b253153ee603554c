import { decodeModel } from '../onnx/codec.js';
import { floatTensorValues } from '../onnx/tensorData.js';
import { DataType, type ModelProto, type ValueInfoProto } from '../onnx/types.js';
import { CONTRACT_VERSION, gradientName, metadataKeys } from './gradientModelContract.js';
import { inferOutAxis } from './inferOutAxis.js';

/** One trainable parameter of a gradient model, as read from the model. */
export interface GradientModelParam {
  name: string;
  shape: number[];
  outAxis: number;
  gc: boolean;
  /** Initial values, when the model carries an initializer for this parameter. */
  initial?: Float32Array | Float64Array;
}

/** What a gradient model declares, checked against the contract (see gradientModelContract.ts). */
export interface GradientModelInfo {
  input: string;
  labels: string;
  loss: string;
  output?: string;
  floatType: 'float32' | 'float64';
  /** Input shape without the batch dimension (symbolic dimensions are -1). */
  inputShape: number[];
  labelsShape: number[];
  params: GradientModelParam[];
  model: ModelProto;
}

/** Decodes and validates a gradient model; errors name the offending input, output or key. */
export function readGradientModel(bytes: Uint8Array): GradientModelInfo {
  const model = decodeModel(bytes);
  const meta = new Map((model.metadataProps ?? []).map((e) => [e.key, e.value]));
  const version = meta.get(metadataKeys.contract);
  if (version !== CONTRACT_VERSION) {
    throw new Error(`gradientModel: metadata_props '${metadataKeys.contract}' must be '${CONTRACT_VERSION}', got ${version === undefined ? 'nothing' : `'${version}'`} (is this a gradient model?)`);
  }
  const required = (key: string) => {
    const value = meta.get(key);
    if (!value) throw new Error(`gradientModel: metadata_props lacks '${key}'`);
    return value;
  };
  const input = required(metadataKeys.input);
  const labels = required(metadataKeys.labels);
  const loss = required(metadataKeys.loss);
  const output = meta.get(metadataKeys.output) || undefined;
  const graph = model.graph;
  const inputs = new Map(graph.input.map((v) => [v.name, v]));
  const outputs = new Set(graph.output.map((v) => v.name));
  for (const [role, name] of [['input', input], ['labels', labels]] as const) {
    if (!inputs.has(name)) throw new Error(`gradientModel: the ${role} '${name}' named in metadata_props is not a graph input`);
  }
  for (const [role, name] of [['loss', loss], ['output', output]] as const) {
    if (name !== undefined && !outputs.has(name)) throw new Error(`gradientModel: the ${role} '${name}' named in metadata_props is not a graph output`);
  }
  const batchInfo = inputs.get(input)!;
  const elemType = elemTypeOf(batchInfo);
  if (elemType !== DataType.FLOAT && elemType !== DataType.DOUBLE) {
    throw new Error(`gradientModel: the batch input '${input}' must be float or double, got ONNX data type ${elemType}`);
  }
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const params: GradientModelParam[] = [];
  for (const info of graph.input) {
    if (info.name === input || info.name === labels) continue;
    const shape = shapeOf(info);
    if (shape.some((d) => d < 0)) throw new Error(`gradientModel: parameter input '${info.name}' needs a fixed shape, got [${shape.join(', ')}]`);
    if (elemTypeOf(info) !== elemType) throw new Error(`gradientModel: parameter '${info.name}' has ONNX data type ${elemTypeOf(info)}, the batch has ${elemType}`);
    if (!outputs.has(gradientName(info.name))) throw new Error(`gradientModel: parameter input '${info.name}' has no gradient output '${gradientName(info.name)}'`);
    const axisText = meta.get(metadataKeys.outAxis(info.name));
    let outAxis = axisText === undefined ? inferOutAxis(graph, info.name) : Number(axisText);
    if (outAxis === undefined) {
      if (shape.length >= 2) {
        throw new Error(`gradientModel: cannot tell the GC output axis of '${info.name}' (shape [${shape.join(', ')}]); add metadata_props '${metadataKeys.outAxis(info.name)}'`);
      }
      outAxis = 0;
    }
    if (!Number.isInteger(outAxis) || outAxis < -shape.length || outAxis >= Math.max(shape.length, 1)) {
      throw new Error(`gradientModel: '${metadataKeys.outAxis(info.name)}' is ${axisText}, not an axis of shape [${shape.join(', ')}]`);
    }
    const gcText = meta.get(metadataKeys.gc(info.name));
    if (gcText !== undefined && gcText !== 'true' && gcText !== 'false') {
      throw new Error(`gradientModel: '${metadataKeys.gc(info.name)}' must be 'true' or 'false', got '${gcText}'`);
    }
    const init = initializers.get(info.name);
    params.push({ name: info.name, shape, outAxis, gc: gcText === undefined ? shape.length >= 2 : gcText === 'true', initial: init ? floatTensorValues(init) : undefined });
  }
  if (params.length === 0) throw new Error('gradientModel: no parameter inputs (every input besides the batch and the labels is a parameter)');
  return {
    input, labels, loss, output,
    floatType: elemType === DataType.DOUBLE ? 'float64' : 'float32',
    inputShape: shapeOf(batchInfo).slice(1),
    labelsShape: shapeOf(inputs.get(labels)!).slice(1),
    params,
    model,
  };
}

function elemTypeOf(info: ValueInfoProto): number | undefined {
  return info.type?.tensorType?.elemType;
}

function shapeOf(info: ValueInfoProto): number[] {
  return (info.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimParam === undefined ? Number(d.dimValue) : -1));
}
