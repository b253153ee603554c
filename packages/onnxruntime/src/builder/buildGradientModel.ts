import { encodeModel } from '../onnx/codec.js';
import type { ModelProto } from '../onnx/types.js';
import { contractMetadata, gradientName } from '../contract/gradientModelContract.js';
import { GraphBuilder, floatTensor, type FloatType } from './graphBuilder.js';
import type { ForwardResult, PlannedLayer, PlanContext } from './layer.js';
import type { LayerSpec } from './layerSpecs.js';
import { lossGraphs, type LossName } from './losses.js';
import { createRandom } from './initializers.js';
import { planDense } from './layers/dense.js';
import { planConv2D } from './layers/conv2d.js';
import { planActivation } from './layers/activation.js';
import { planPool } from './layers/pooling.js';
import { planDropout, planFlatten, planReshape } from './layers/shaping.js';

/** ONNX opset the builder targets (ScatterElements with reduction needs ≥ 16). */
export const OPSET = 17;
const IR_VERSION = 8;

/** A network for `buildGradientModel`: input shape, loss and layers. */
export interface NetworkSpec<F extends FloatType = 'float32'> {
  /** Shape of one example, without the batch dimension: [features] or [channels, height, width]. */
  input: number[];
  layers: LayerSpec[];
  loss: LossName;
  /** Float type of every tensor; 'float64' is for gradient checks (default 'float32'). */
  dtype?: F;
  /** Seed of the parameter initialization (default 0). */
  seed?: number;
  /** 'active' (default) or 'identity': dropout in the gradient model (identity makes it deterministic). */
  dropout?: 'active' | 'identity';
  /** Also output `grad.input`, the gradient w.r.t. the batch (default false). */
  inputGradient?: boolean;
}

export type DataOf<F extends FloatType> = F extends 'float64' ? Float64Array : Float32Array;

/** A parameter of a built model: ready for `@gcopt/float32` (`data` is updated in place by training). */
export interface BuiltParam<F extends FloatType = 'float32'> {
  name: string;
  shape: number[];
  data: DataOf<F>;
  outAxis: number;
  gc: boolean;
}

/** What `buildGradientModel` returns: the gradient model, the inference model and the parameters. */
export interface BuiltModels<F extends FloatType = 'float32'> {
  /** The gradient model (see gradientModelContract.ts), serialized. */
  gradientModel: Uint8Array;
  /** The inference model: input → output, parameters as initializers holding their initial values. */
  inferenceModel: Uint8Array;
  /** Initial parameter values, in graph-input order. */
  params: BuiltParam<F>[];
  inputShape: number[];
  outputShape: number[];
  /** Graph value names: batch input, labels input, loss output, model output. */
  names: { input: string; labels: string; loss: string; output: string };
}

const NAMES = { input: 'input', labels: 'labels', loss: 'loss', output: 'output' };

/**
 * Builds a gradient model (forward, loss and backward as standard ONNX ops) and the matching
 * inference model from a layer list. No Python, no ONNX tooling: protobufjs writes the bytes.
 */
export function buildGradientModel<F extends FloatType = 'float32'>(spec: NetworkSpec<F>): BuiltModels<F> {
  const floatType = (spec.dtype ?? 'float32') as F;
  if (floatType !== 'float32' && floatType !== 'float64')
    throw new Error(`dtype: expected 'float32' or 'float64', got ${JSON.stringify(spec.dtype)}`);
  if (!(spec.loss in lossGraphs))
    throw new Error(`loss: expected one of ${Object.keys(lossGraphs).join(', ')}, got ${JSON.stringify(spec.loss)}`);
  if (!Array.isArray(spec.input) || spec.input.length === 0 || !spec.input.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`input: expected the shape of one example as positive integers, got ${JSON.stringify(spec.input)}`);
  }
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new Error('layers: expected at least one layer');
  const planned = planLayers(spec);
  const params = planned.flatMap((l) => l.params);
  const outputShape = planned[planned.length - 1].outShape;

  // Gradient model.
  const g = new GraphBuilder(floatType);
  g.addInput(NAMES.input, g.elemType, ['batch', ...spec.input]);
  g.addInput(NAMES.labels, g.elemType, ['batch', ...outputShape]);
  for (const p of params) g.addInput(p.name, g.elemType, p.shape);
  const layerInputs: string[] = [];
  const forwards: ForwardResult[] = [];
  let value = NAMES.input;
  for (const layer of planned) {
    layerInputs.push(value);
    const fwd = layer.forward(g, value, 'train');
    forwards.push(fwd);
    value = fwd.output;
  }
  const { loss, outputGrad } = lossGraphs[spec.loss](g, value, NAMES.labels);
  const paramGrads = new Map<string, string>();
  let grad = outputGrad;
  for (let i = planned.length - 1; i >= 0; i--) {
    const wantInputGrad = i > 0 || spec.inputGradient === true;
    const result = planned[i].backward(g, layerInputs[i], forwards[i], grad, wantInputGrad);
    for (const [name, v] of Object.entries(result.paramGrads)) paramGrads.set(name, v);
    if (wantInputGrad) grad = result.inputGrad!;
  }
  g.opNamed('Identity', [loss], NAMES.loss);
  g.addOutput(NAMES.loss, g.elemType, []);
  g.opNamed('Identity', [value], NAMES.output);
  g.addOutput(NAMES.output, g.elemType, ['batch', ...outputShape]);
  for (const p of params) {
    g.opNamed('Identity', [paramGrads.get(p.name)!], gradientName(p.name));
    g.addOutput(gradientName(p.name), g.elemType, p.shape);
  }
  if (spec.inputGradient) {
    g.opNamed('Identity', [grad], gradientName(NAMES.input));
    g.addOutput(gradientName(NAMES.input), g.elemType, ['batch', ...spec.input]);
  }
  const gradientModel = encodeModel(modelOf(g, 'gcopt_gradient_model', contractMetadata(NAMES, params)));

  // Inference model: the same forward pass, parameters as initializers.
  const inf = new GraphBuilder(floatType);
  inf.addInput(NAMES.input, inf.elemType, ['batch', ...spec.input]);
  for (const p of params)
    inf.initializers.push({ ...floatTensor(floatType, p.values, p.shape), name: inf.reserve(p.name) });
  value = NAMES.input;
  for (const layer of planned) value = layer.forward(inf, value, 'infer').output;
  inf.opNamed('Identity', [value], NAMES.output);
  inf.addOutput(NAMES.output, inf.elemType, ['batch', ...outputShape]);
  const inferenceModel = encodeModel(modelOf(inf, 'gcopt_inference_model', []));

  const makeData = (values: Float64Array) =>
    (floatType === 'float64' ? Float64Array.from(values) : Float32Array.from(values)) as DataOf<F>;
  return {
    gradientModel,
    inferenceModel,
    params: params.map((p) => ({
      name: p.name,
      shape: [...p.shape],
      data: makeData(p.values),
      outAxis: p.outAxis,
      gc: p.gc,
    })),
    inputShape: [...spec.input],
    outputShape: [...outputShape],
    names: { ...NAMES },
  };
}

function planLayers(spec: NetworkSpec<FloatType>): PlannedLayer[] {
  const random = createRandom(spec.seed ?? 0);
  const counts = new Map<string, number>();
  const planned: PlannedLayer[] = [];
  let inShape = [...spec.input];
  for (const [index, layer] of spec.layers.entries()) {
    if (!layer || typeof layer !== 'object')
      throw new Error(`layers[${index}]: expected a layer spec, got ${JSON.stringify(layer)}`);
    const count = (counts.get(layer.type) ?? 0) + 1;
    counts.set(layer.type, count);
    const ctx: PlanContext = { inShape, name: layer.name ?? `${layer.type}${count}`, random };
    const plannedLayer = planLayer(layer, ctx, spec.dropout !== 'identity', index);
    planned.push(plannedLayer);
    inShape = plannedLayer.outShape;
  }
  const names = new Set<string>();
  for (const l of planned) {
    if (names.has(l.name)) throw new Error(`layers: the layer name '${l.name}' is used twice`);
    names.add(l.name);
  }
  return planned;
}

function planLayer(layer: LayerSpec, ctx: PlanContext, dropoutActive: boolean, index: number): PlannedLayer {
  switch (layer.type) {
    case 'dense':
      return planDense(layer, ctx);
    case 'conv2d':
      return planConv2D(layer, ctx);
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return planActivation(layer, ctx);
    case 'maxPool':
    case 'averagePool':
      return planPool(layer, ctx);
    case 'flatten':
      return planFlatten(layer, ctx);
    case 'reshape':
      return planReshape(layer, ctx);
    case 'dropout':
      return planDropout(layer, ctx, dropoutActive);
    default:
      throw new Error(`layers[${index}].type: unknown layer type ${JSON.stringify((layer as { type: unknown }).type)}`);
  }
}

function modelOf(g: GraphBuilder, name: string, metadataProps: { key: string; value: string }[]): ModelProto {
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'gcopt',
    producerVersion: '0.1.0',
    graph: { name, node: g.nodes, initializer: g.initializers, input: g.inputs, output: g.outputs },
    metadataProps,
  };
}
