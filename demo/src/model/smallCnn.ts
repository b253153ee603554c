import { seededRandom } from '@gcopt/mnist-data';

/** A named parameter tensor in PyTorch / ONNX layout (output channels on axis 0). */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * The demo's small CNN, the same in every backend:
 * conv 3×3 1→8, ReLU, max-pool 2 → conv 3×3 8→16, ReLU, max-pool 2 → dense 400→10, softmax.
 * 28×28 → 26×26×8 → 13×13×8 → 11×11×16 → 5×5×16 (= 400) → 10. Convolutions are "valid" (no padding),
 * pools floor the odd size. Shapes in PyTorch layout: conv `[out, in, kh, kw]`, dense `[out, in]`.
 */
export const SMALL_CNN = {
  conv1: { out: 8, in: 1, k: 3 },
  conv2: { out: 16, in: 8, k: 3 },
  fc: { out: 10, in: 16 * 5 * 5 },
} as const;

export const SMALL_CNN_PARAMS: readonly { name: string; shape: readonly number[]; fanIn: number }[] = [
  { name: 'conv1.weight', shape: [8, 1, 3, 3], fanIn: 9 },
  { name: 'conv1.bias', shape: [8], fanIn: 9 },
  { name: 'conv2.weight', shape: [16, 8, 3, 3], fanIn: 72 },
  { name: 'conv2.bias', shape: [16], fanIn: 72 },
  { name: 'fc.weight', shape: [10, 400], fanIn: 400 },
  { name: 'fc.bias', shape: [10], fanIn: 400 },
];

/**
 * Initial weights for a seed, PyTorch's default init (uniform ±1/sqrt(fan_in) for weights and biases
 * alike), drawn from mulberry32 so that every backend and every optimizer of a seed starts identical.
 */
export function initialWeights(seed: number): NamedTensor[] {
  const random = seededRandom(0x5eed0000 + seed);
  return SMALL_CNN_PARAMS.map(({ name, shape, fanIn }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * bound;
    return { name, shape, data };
  });
}

export function cloneTensors(tensors: readonly NamedTensor[]): NamedTensor[] {
  return tensors.map((t) => ({ name: t.name, shape: [...t.shape], data: t.data.slice() }));
}
