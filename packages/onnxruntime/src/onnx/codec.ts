import protobuf from 'protobufjs';
import { onnxProtoSubset } from './onnxProto.js';
import type { ModelProto } from './types.js';

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(onnxProtoSubset, { keepCase: false }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serializes a model to ONNX protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const message = type.fromObject(model as unknown as Record<string, unknown>);
  return type.encode(message).finish();
}

/** Parses ONNX protobuf bytes; 64-bit integers become numbers, bytes stay Uint8Array. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`model: expected the ONNX model's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  const type = modelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    throw new Error(`model: not a valid ONNX protobuf (${(error as Error).message})`);
  }
  const model = type.toObject(message, {
    longs: Number,
    bytes: Uint8Array,
    arrays: true,
    defaults: false,
  }) as ModelProto;
  if (!model.graph) throw new Error('model: the ONNX model has no graph');
  model.graph.node ??= [];
  model.graph.input ??= [];
  model.graph.output ??= [];
  return model;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
