import { decodeModel } from '../onnx/codec.js';
import { floatTensorValues } from '../onnx/tensorData.js';
import { DataType, type ModelProto, type NodeProto, type ValueInfoProto } from '../onnx/types.js';
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

/** How the labels input is fed: float targets (one-hot rows for classification) or integer class indices. */
export type LabelsType = 'float' | 'int64' | 'int32';

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
  /** The labels input's element type; integer labels are class indices of shape [N] (PyTorch cross-entropy). */
  labelsType: LabelsType;
  /** The batch input's first dimension when the model fixes it (exported without a dynamic batch axis). */
  batchSize?: number;
  /** Classes, when the model says: the float labels' row size, or the declared model output's last dimension. */
  classCount?: number;
  params: GradientModelParam[];
  model: ModelProto;
}

/** Decodes and validates a gradient model; errors name the offending input, output or key. */
export function readGradientModel(bytes: Uint8Array): GradientModelInfo {
  const model = decodeModel(bytes);
  const meta = new Map((model.metadataProps ?? []).map((e) => [e.key, e.value]));
  const version = meta.get(metadataKeys.contract);
  if (version !== CONTRACT_VERSION) {
    throw new Error(
      `gradientModel: metadata_props '${metadataKeys.contract}' must be '${CONTRACT_VERSION}', got ` +
        `${version === undefined ? 'nothing' : `'${version}'`} (is this a gradient model?)`,
    );
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
  for (const [role, name] of [
    ['input', input],
    ['labels', labels],
  ] as const) {
    if (!inputs.has(name))
      throw new Error(`gradientModel: the ${role} '${name}' named in metadata_props is not a graph input`);
  }
  for (const [role, name] of [
    ['loss', loss],
    ['output', output],
  ] as const) {
    if (name !== undefined && !outputs.has(name))
      throw new Error(`gradientModel: the ${role} '${name}' named in metadata_props is not a graph output`);
  }
  refuseTrainingOps(graph.node);
  const batchInfo = inputs.get(input)!;
  const elemType = elemTypeOf(batchInfo);
  if (elemType !== DataType.FLOAT && elemType !== DataType.DOUBLE) {
    throw new Error(
      `gradientModel: the batch input '${input}' must be float or double, got ONNX data type ${elemType}`,
    );
  }
  const labelsInfo = inputs.get(labels)!;
  const labelsType = labelsTypeOf(labelsInfo, labels, elemType);
  const batchShape = shapeOf(batchInfo);
  if (batchShape.length === 0) {
    throw new Error(`gradientModel: the batch input '${input}' needs a batch dimension, got a scalar`);
  }
  const batchSize = batchShape[0] > 0 ? batchShape[0] : undefined;
  const labelsBatch = shapeOf(labelsInfo)[0];
  if (batchSize !== undefined && labelsBatch !== undefined && labelsBatch > 0 && labelsBatch !== batchSize) {
    throw new Error(
      `gradientModel: the batch input '${input}' has a fixed batch dimension of ${batchSize}, ` +
        `the labels '${labels}' of ${labelsBatch}`,
    );
  }
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const params: GradientModelParam[] = [];
  for (const info of graph.input) {
    if (info.name === input || info.name === labels) continue;
    const shape = shapeOf(info);
    if (shape.some((d) => d < 0))
      throw new Error(`gradientModel: parameter input '${info.name}' needs a fixed shape, got [${shape.join(', ')}]`);
    if (elemTypeOf(info) !== elemType)
      throw new Error(
        `gradientModel: parameter '${info.name}' has ONNX data type ${elemTypeOf(info)}, the batch has ${elemType}`,
      );
    if (!outputs.has(gradientName(info.name)))
      throw new Error(
        `gradientModel: parameter input '${info.name}' has no gradient output '${gradientName(info.name)}'`,
      );
    checkDeclaredGradient(graph.output.find((v) => v.name === gradientName(info.name))!, info.name, shape);
    const axisText = meta.get(metadataKeys.outAxis(info.name));
    // Number('') is 0 and Number('1e0') is 1: only a plain decimal integer is an axis
    const axisFromText = (text: string) => (/^-?\d+$/.test(text) ? Number(text) : Number.NaN);
    let outAxis = axisText === undefined ? inferOutAxis(graph, info.name) : axisFromText(axisText);
    if (outAxis === undefined) {
      if (shape.length >= 2) {
        throw new Error(
          `gradientModel: cannot tell the GC output axis of '${info.name}' (shape [${shape.join(', ')}]); add ` +
            `metadata_props '${metadataKeys.outAxis(info.name)}'`,
        );
      }
      outAxis = 0;
    }
    if (!Number.isInteger(outAxis) || outAxis < -shape.length || outAxis >= Math.max(shape.length, 1)) {
      throw new Error(
        `gradientModel: '${metadataKeys.outAxis(info.name)}' is ${JSON.stringify(axisText ?? String(outAxis))}, ` +
          `not an axis of shape [${shape.join(', ')}] ` +
          `(an integer from ${-shape.length} to ${Math.max(shape.length, 1) - 1})`,
      );
    }
    const gcText = meta.get(metadataKeys.gc(info.name));
    if (gcText !== undefined && gcText !== 'true' && gcText !== 'false') {
      throw new Error(`gradientModel: '${metadataKeys.gc(info.name)}' must be 'true' or 'false', got '${gcText}'`);
    }
    const init = initializers.get(info.name);
    params.push({
      name: info.name,
      shape,
      outAxis,
      gc: gcText === undefined ? shape.length >= 2 : gcText === 'true',
      initial: init ? floatTensorValues(init) : undefined,
    });
  }
  if (params.length === 0)
    throw new Error('gradientModel: no parameter inputs (every input besides the batch and the labels is a parameter)');
  const labelsShape = shapeOf(labelsInfo).slice(1);
  if (labelsType !== 'float' && labelsShape.some((d) => d !== 1)) {
    throw new Error(
      `gradientModel: the labels input '${labels}' holds ${labelsType} class indices and must have shape [N], ` +
        `got [${shapeOf(labelsInfo).join(', ')}]`,
    );
  }
  const outputInfo = output === undefined ? undefined : graph.output.find((v) => v.name === output);
  const outputClasses = outputInfo && declaredShape(outputInfo)?.at(-1);
  const classCount =
    labelsType === 'float'
      ? labelsShape.every((d) => d > 0)
        ? labelsShape.reduce((a, b) => a * b, 1)
        : undefined
      : outputClasses !== undefined && outputClasses > 0
        ? outputClasses
        : undefined;
  return {
    input,
    labels,
    loss,
    output,
    floatType: elemType === DataType.DOUBLE ? 'float64' : 'float32',
    inputShape: batchShape.slice(1),
    labelsShape,
    labelsType,
    batchSize,
    classCount,
    params,
    model,
  };
}

/**
 * Graphs made for onnxruntime-training (its `*Grad` kernels in the com.microsoft domain, the
 * ai.onnx.preview.training ops) do not run on onnxruntime-node or -web, whose builds leave those
 * kernels out; say so when the model is read, not at the first step.
 */
function refuseTrainingOps(nodes: readonly NodeProto[]): void {
  const node = nodes.find(
    (n) => (n.domain === 'com.microsoft' && n.opType.endsWith('Grad')) || n.domain === 'ai.onnx.preview.training',
  );
  if (!node) return;
  throw new Error(
    `gradientModel: node '${node.name ?? node.output[0]}' is ${node.domain}:${node.opType}, ` +
      'an onnxruntime-training op that ' +
      'onnxruntime-node and onnxruntime-web do not implement; compute the gradients with standard ONNX ops ' +
      '(e.g. a PyTorch module that returns explicit gradients, exported with torch.onnx.export)',
  );
}

const typeNames: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'double',
};

/** Float labels have the batch's type; integer labels are class indices (int64 as PyTorch exports them, or int32). */
function labelsTypeOf(info: ValueInfoProto, name: string, floatType: number | undefined): LabelsType {
  const type = elemTypeOf(info);
  if (type === floatType) return 'float';
  if (type === DataType.INT64) return 'int64';
  if (type === DataType.INT32) return 'int32';
  const float = typeNames[floatType ?? 0];
  throw new Error(
    `gradientModel: the labels input '${name}' has ONNX data type ${type} (${typeNames[type ?? -1] ?? 'unknown'}); ` +
      `the trainer feeds ${float} targets (one-hot rows for classification), or int64 or int32 class indices`,
  );
}

/**
 * A gradient declared with another shape than its parameter is refused here; the classic case is
 * `dYᵀ·x`, [K, D], for a [D, K] weight, which would otherwise train on a scrambled gradient.
 * Symbolic dimensions are checked against the returned dims at every step instead.
 */
function checkDeclaredGradient(info: ValueInfoProto, param: string, shape: readonly number[]): void {
  const declared = declaredShape(info);
  if (declared === undefined) return;
  if (declared.length === shape.length && declared.every((d, i) => d < 0 || d === shape[i])) return;
  throw new Error(`gradientModel: ${gradientShapeProblem(info.name, param, declared, shape, 'is declared')}`);
}

/** The message for a gradient of the wrong shape, shared by the load-time and the per-step check. */
export function gradientShapeProblem(
  output: string,
  param: string,
  got: readonly number[],
  want: readonly number[],
  verb: string,
): string {
  const show = (s: readonly number[]) => `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
  const hint =
    got.length >= 2 && isPermutationOf(got, want)
      ? ' — it looks transposed: return the transpose of this gradient ' +
        '(e.g. compute dW = xᵀ·dY rather than dYᵀ·x for a ' +
        '[in, out] weight, or add a Transpose node)'
      : "; each gradient output must have its parameter's shape";
  return `gradient output '${output}' ${verb} ${show(got)}, the parameter '${param}' is ${show(want)}${hint}`;
}

/** Some reordering of `got` (where `?`, i.e. negative, fits any size) equals `want`. */
function isPermutationOf(got: readonly number[], want: readonly number[]): boolean {
  if (got.length !== want.length || got.length > 6) return false;
  const place = (i: number, used: boolean[]): boolean =>
    i === got.length ||
    want.some(
      (w, j) =>
        !used[j] &&
        (got[i] < 0 || got[i] === w) &&
        place(
          i + 1,
          used.map((u, k) => u || k === j),
        ),
    );
  return place(
    0,
    want.map(() => false),
  );
}

/** The declared shape, or undefined when the value info declares none (unknown rank). */
function declaredShape(info: ValueInfoProto): number[] | undefined {
  if (info.type?.tensorType?.shape === undefined) return undefined;
  return shapeOf(info);
}

function elemTypeOf(info: ValueInfoProto): number | undefined {
  return info.type?.tensorType?.elemType;
}

function shapeOf(info: ValueInfoProto): number[] {
  return (info.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimParam === undefined ? Number(d.dimValue) : -1,
  );
}
