import { buildGradientModel, layers, type BuiltModels } from '@gcopt/onnxruntime';
import { IMAGE_SIDE } from '@gcopt/mnist-data';
import { SMALL_CNN, type NamedTensor } from './smallCnn.js';

/**
 * The demo's small CNN as ONNX layers (used by the ort backend and by examples/web's page): valid 3×3
 * convolutions, 2×2 max-pools, one dense layer.
 */
export function smallCnnOnnx(): BuiltModels {
  return buildGradientModel({
    input: [1, IMAGE_SIDE, IMAGE_SIDE],
    loss: 'softmaxCrossEntropy',
    layers: [
      layers.conv2d({ filters: SMALL_CNN.conv1.out, kernel: SMALL_CNN.conv1.k, padding: 'valid' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.conv2d({ filters: SMALL_CNN.conv2.out, kernel: SMALL_CNN.conv2.k, padding: 'valid' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.flatten(),
      layers.dense({ units: SMALL_CNN.fc.out }),
    ],
  });
}

/** Row-major transpose of a `[rows, cols]` matrix. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/**
 * PyTorch-layout weights in the built model's layout: the same order (conv1, conv2, dense; weight then
 * bias), the dense weight transposed to ONNX Gemm's `[in, out]`.
 */
export function toOnnxLayout(
  weights: readonly NamedTensor[],
  built: readonly { name: string; shape: readonly number[] }[],
) {
  if (weights.length !== built.length)
    throw new Error(`the built model has ${built.length} parameters, the demo's CNN ${weights.length}`);
  return built.map((b, i) => {
    const w = weights[i];
    if (w.shape.join(',') === b.shape.join(',')) return { name: b.name, shape: [...b.shape], data: w.data.slice() };
    if (w.shape.length === 2 && w.shape[0] === b.shape[1] && w.shape[1] === b.shape[0]) {
      return { name: b.name, shape: [...b.shape], data: transpose(w.data, w.shape[0], w.shape[1]) };
    }
    throw new Error(`${w.name} [${w.shape.join(', ')}] does not fit the built ${b.name} [${b.shape.join(', ')}]`);
  });
}

/** The inverse of `toOnnxLayout`: back to the demo's names, PyTorch layout. */
export function fromOnnxLayout(
  params: readonly { shape: readonly number[]; data: Float32Array }[],
  like: readonly NamedTensor[],
): NamedTensor[] {
  return like.map((w, i) => {
    const p = params[i];
    if (p.shape.join(',') === w.shape.join(',')) return { name: w.name, shape: [...w.shape], data: p.data.slice() };
    return { name: w.name, shape: [...w.shape], data: transpose(p.data, p.shape[0], p.shape[1]) };
  });
}
