import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES } from '@gcopt/mnist-data';

export type Architecture = 'mlp' | 'cnn';

/** A seeded model, so that both optimizers start from the same weights. */
export function buildModel(architecture: Architecture, seed = 1): tf.Sequential {
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed + i });
  if (architecture === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [IMAGE_SIZE], units: 128, activation: 'relu', kernelInitializer: init(0) }),
        tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', kernelInitializer: init(1) }),
      ],
    });
  }
  // Small on purpose: tfjs's pure-JS cpu backend computes Conv2DBackpropFilter very slowly (about
  // 10 s per batch of 64 for a 3×3 conv on 28×28 inputs), and wasm has no Conv2D gradient at all.
  // Pooling to 14×14 first makes a training step about 1 s.
  return tf.sequential({
    layers: [
      tf.layers.reshape({ inputShape: [IMAGE_SIZE], targetShape: [IMAGE_SIDE, IMAGE_SIDE, 1] }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', kernelInitializer: init(1) }),
    ],
  });
}
