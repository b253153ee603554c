/** The layers a gradient model can be built from (plain data; see `layers` for constructors). */
export type LayerSpec = DenseSpec | Conv2DSpec | ActivationSpec | PoolSpec | FlattenSpec | ReshapeSpec | DropoutSpec;

/**
 * Fully connected (ONNX Gemm): y = x·W + b. `weightLayout` 'inOut' (default) stores W as
 * [inputs, units] (GC output axis 1); 'outIn' stores it as [units, inputs] like PyTorch's Linear
 * (Gemm transB=1, GC output axis 0).
 */
export interface DenseSpec {
  type: 'dense';
  units: number;
  useBias?: boolean;
  weightLayout?: 'inOut' | 'outIn';
  name?: string;
}

/** 2-D convolution over NCHW input, weight [filters, channels, kh, kw] (ONNX Conv). */
export interface Conv2DSpec {
  type: 'conv2d';
  filters: number;
  kernel: number | [number, number];
  stride?: number | [number, number];
  /** Symmetric zero padding per side, or 'same' (odd kernels, stride 1) / 'valid' (0). */
  padding?: number | [number, number] | 'same' | 'valid';
  useBias?: boolean;
  name?: string;
}

export interface ActivationSpec {
  type: 'relu' | 'tanh' | 'sigmoid';
  name?: string;
}

/** Max or average pooling over NCHW input (average counts padding, count_include_pad=1). */
export interface PoolSpec {
  type: 'maxPool' | 'averagePool';
  size: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  name?: string;
}

export interface FlattenSpec {
  type: 'flatten';
  name?: string;
}

/** Reshape each example to `shape` (the batch dimension is kept). */
export interface ReshapeSpec {
  type: 'reshape';
  shape: number[];
  name?: string;
}

/** Inverted dropout while training (ONNX Dropout, training_mode=1); identity in the inference model. */
export interface DropoutSpec {
  type: 'dropout';
  rate: number;
  name?: string;
}

/** Constructors for layer specs: `layers.conv2d({ filters: 8, kernel: 3, padding: 'same' })`. */
export const layers = {
  dense: (o: Omit<DenseSpec, 'type'>): DenseSpec => ({ type: 'dense', ...o }),
  conv2d: (o: Omit<Conv2DSpec, 'type'>): Conv2DSpec => ({ type: 'conv2d', ...o }),
  relu: (o: { name?: string } = {}): ActivationSpec => ({ type: 'relu', ...o }),
  tanh: (o: { name?: string } = {}): ActivationSpec => ({ type: 'tanh', ...o }),
  sigmoid: (o: { name?: string } = {}): ActivationSpec => ({ type: 'sigmoid', ...o }),
  maxPool: (o: Omit<PoolSpec, 'type'>): PoolSpec => ({ type: 'maxPool', ...o }),
  averagePool: (o: Omit<PoolSpec, 'type'>): PoolSpec => ({ type: 'averagePool', ...o }),
  flatten: (o: { name?: string } = {}): FlattenSpec => ({ type: 'flatten', ...o }),
  reshape: (o: Omit<ReshapeSpec, 'type'>): ReshapeSpec => ({ type: 'reshape', ...o }),
  dropout: (o: Omit<DropoutSpec, 'type'>): DropoutSpec => ({ type: 'dropout', ...o }),
};

export function pair(value: number | [number, number], what: string): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${what}: expected a non-negative integer or a pair of them, got ${JSON.stringify(value)}`);
  }
  return p;
}
