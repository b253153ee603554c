/** Plain-object views of the ONNX messages gcopt handles (protobufjs camelCase field names). */

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  doubleData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimensionProto[] } } };
  docString?: string;
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer?: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}

/** The subset of ONNX's ModelProto this package reads and writes. */
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: GraphProto;
  metadataProps?: { key: string; value: string }[];
}
