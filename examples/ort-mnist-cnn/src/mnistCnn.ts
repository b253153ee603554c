import { layers, type NetworkSpec } from '@gcopt/onnxruntime';

/**
 * Two conv layers and a dense classifier for 28×28 digits:
 * conv 8@3×3 → ReLU → max-pool 2 → conv 16@3×3 → ReLU → max-pool 2 → dense 10 (softmax cross-entropy).
 */
export function mnistCnn(seed = 1): NetworkSpec {
  return {
    input: [1, 28, 28],
    layers: [
      layers.conv2d({ filters: 8, kernel: 3, padding: 'same' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.conv2d({ filters: 16, kernel: 3, padding: 'same' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.flatten(),
      layers.dense({ units: 10 }),
    ],
    loss: 'softmaxCrossEntropy',
    seed,
  };
}
