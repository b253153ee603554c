import { DataType, type TensorProto } from './types.js';

/** The values of a float or double TensorProto (raw_data or the typed field). */
export function floatTensorValues(tensor: TensorProto): Float32Array | Float64Array {
  const count = (tensor.dims ?? []).reduce((a, b) => a * b, 1);
  if (tensor.dataLocation === 1 || (tensor.externalData?.length ?? 0) > 0) {
    throw new Error(
      `initializer '${tensor.name}': its data is stored in an external file, which gcopt cannot read; save the model ` +
        `with its weights inside`,
    );
  }
  const raw = tensor.rawData;
  if (tensor.dataType === DataType.FLOAT) {
    if (raw && raw.byteLength > 0) return new Float32Array(copyBytes(raw, count * 4, tensor.name));
    return Float32Array.from(tensor.floatData ?? []);
  }
  if (tensor.dataType === DataType.DOUBLE) {
    if (raw && raw.byteLength > 0) return new Float64Array(copyBytes(raw, count * 8, tensor.name));
    return Float64Array.from(tensor.doubleData ?? []);
  }
  throw new Error(`initializer '${tensor.name}': expected float or double data, got ONNX data type ${tensor.dataType}`);
}

function copyBytes(raw: Uint8Array, byteLength: number, name: string | undefined): ArrayBuffer {
  if (raw.byteLength !== byteLength)
    throw new Error(`initializer '${name}': raw_data has ${raw.byteLength} bytes, its shape needs ${byteLength}`);
  return new Uint8Array(raw).buffer; // a copy: decoded bytes may be a view into a larger (Node Buffer) pool
}
