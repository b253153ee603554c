import { decodeModel, encodeModel } from '../onnx/codec.js';
import { floatTensor, valueInfo } from '../builder/graphBuilder.js';
import { DataType, type ModelProto } from '../onnx/types.js';

export interface NamedValues {
  name: string;
  shape: readonly number[];
  data: Float32Array | Float64Array;
}

/**
 * The inference model with `params` stored as its initializers (trained weights exported): each
 * parameter replaces the initializer of the same name, or becomes one if the model took it as an
 * input. The result needs nothing but the batch.
 */
export function exportInferenceModel(inferenceModel: Uint8Array, params: readonly NamedValues[]): Uint8Array {
  const model = decodeModel(inferenceModel);
  const graph = model.graph;
  const initializers = graph.initializer ?? [];
  const byName = new Map(initializers.map((t, i) => [t.name, i]));
  const inputNames = new Set(graph.input.map((v) => v.name));
  for (const p of params) {
    const index = byName.get(p.name);
    if (index === undefined && !inputNames.has(p.name)) {
      throw new Error(
        `inferenceModel: has neither an initializer nor an input named '${p.name}' to hold that parameter`,
      );
    }
    if (index !== undefined) {
      const dims = (initializers[index].dims ?? []).map(Number);
      if (dims.join(',') !== p.shape.join(',')) {
        throw new Error(
          `inferenceModel: initializer '${p.name}' has shape [${dims.join(', ')}], the parameter ` +
            `[${p.shape.join(', ')}]`,
        );
      }
    }
    const tensor = {
      ...floatTensor(p.data instanceof Float64Array ? 'float64' : 'float32', p.data, [...p.shape]),
      name: p.name,
    };
    if (index === undefined) initializers.push(tensor);
    else initializers[index] = tensor;
  }
  const names = new Set(params.map((p) => p.name));
  graph.initializer = initializers;
  graph.input = graph.input.filter((v) => !names.has(v.name));
  return encodeModel(model);
}

/**
 * The inference model with `params` as graph inputs instead of initializers, so a session can run it
 * with the parameters' current values (evaluation while training, without re-creating sessions).
 */
export function withParamsAsInputs(
  inferenceModel: Uint8Array,
  params: readonly { name: string; shape: readonly number[] }[],
): { model: Uint8Array; elemType: number } {
  const model: ModelProto = decodeModel(inferenceModel);
  const graph = model.graph;
  const names = new Set(params.map((p) => p.name));
  const elemType = graph.input[0]?.type?.tensorType?.elemType ?? DataType.FLOAT;
  graph.initializer = (graph.initializer ?? []).filter((t) => !names.has(t.name ?? ''));
  const inputs = new Set(graph.input.map((v) => v.name));
  for (const p of params) if (!inputs.has(p.name)) graph.input.push(valueInfo(p.name, elemType, [...p.shape]));
  return { model: encodeModel(model), elemType };
}
