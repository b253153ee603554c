import {
  AttributeType,
  DataType,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../onnx/types.js';

/** Element type of every floating-point tensor in a built model. */
export type FloatType = 'float32' | 'float64';

/** An attribute value, tagged because ONNX distinguishes INT from FLOAT and INTS from FLOATS. */
export type Attr =
  | { i: number }
  | { f: number }
  | { ints: number[] }
  | { floats: number[] }
  | { s: string }
  | { t: TensorProto };

/** A dimension: a fixed size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

/**
 * Accumulates the nodes, initializers and graph inputs/outputs of one ONNX graph, and hands out
 * unique value names. Layers and losses write their forward and backward passes through it.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(readonly floatType: FloatType) {}

  get elemType(): number {
    return this.floatType === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** A fresh value name starting with `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    for (let k = 1; this.used.has(name); k++) name = `${prefix}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Reserves an exact name (graph inputs/outputs, parameters); throws on a clash. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`graph builder: the value name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** Adds one node with a single output (named after `prefix`) and returns that output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, prefix = opType.toLowerCase()): string {
    return this.opN(opType, inputs, [prefix], attrs)[0];
  }

  /** Adds one node whose outputs are named after `prefixes` ('' leaves an optional output out). */
  opN(opType: string, inputs: string[], prefixes: string[], attrs: Record<string, Attr> = {}): string[] {
    const output = prefixes.map((p) => (p === '' ? '' : this.fresh(p)));
    this.nodes.push({
      opType,
      input: inputs,
      output,
      name: this.fresh(`node.${opType}`),
      attribute: encodeAttributes(attrs),
    });
    return output;
  }

  /** Adds a node whose output has an exact, caller-chosen name (graph outputs). */
  opNamed(opType: string, inputs: string[], output: string, attrs: Record<string, Attr> = {}): string {
    this.nodes.push({
      opType,
      input: inputs,
      output: [output],
      name: this.fresh(`node.${opType}`),
      attribute: encodeAttributes(attrs),
    });
    return output;
  }

  /** A constant tensor of the model's float type (deduplicated). */
  floatConst(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    return this.constant(floatTensor(this.floatType, values, dims), `const.f.${dims.join('x')}.${values.join(',')}`);
  }

  /** A constant int64 tensor (shapes, axes). */
  int64Const(values: number[], dims: number[] = [values.length]): string {
    return this.constant(int64Tensor(values, dims), `const.i64.${dims.join('x')}.${values.join(',')}`);
  }

  /** A constant boolean scalar (Dropout's training_mode). */
  constBool(value: boolean): string {
    return this.constant(
      { dims: [], dataType: DataType.BOOL, rawData: new Uint8Array([value ? 1 : 0]) },
      `const.bool.${value}`,
    );
  }

  private constant(tensor: TensorProto, key: string): string {
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.push({ ...tensor, name });
    this.constants.set(key, name);
    return name;
  }

  addInput(name: string, elemType: number, dims: Dim[]): void {
    this.inputs.push(valueInfo(this.reserve(name), elemType, dims));
  }

  addOutput(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }
}

export function valueInfo(name: string, elemType: number, dims: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function floatTensor(floatType: FloatType, values: ArrayLike<number>, dims: number[]): TensorProto {
  const data = floatType === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return {
    dims,
    dataType: floatType === 'float64' ? DataType.DOUBLE : DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function int64Tensor(values: number[], dims: number[]): TensorProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { dims, dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

function encodeAttributes(attrs: Record<string, Attr>): AttributeProto[] {
  return Object.entries(attrs).map(([name, value]): AttributeProto => {
    if ('i' in value) return { name, type: AttributeType.INT, i: value.i };
    if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
    if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
    if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
    if ('s' in value) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.s) };
    return { name, type: AttributeType.TENSOR, t: value.t };
  });
}
