// Transposed-convolution kernels are [k…, out, in]: GC must centre them on axis -2. Given the model
// (option `model`), the optimizer recognises them by their layer's class, whatever the layer's name;
// without it, only by tfjs-layers' default layer names. The decision survives save → load.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type GcOptimizer, SGD_GC } from '../src/index.js';
import { useBackend } from './backends.js';
import { fileLoader, fileSaver } from './fileModelIO.js';

/** Largest change of a kernel's per-output-channel mean (output channels on axis -2). */
function outputMeanDrift(before: tf.Tensor, after: tf.Tensor): number {
  return tf.tidy(() => {
    const means = (t: tf.Tensor) => {
      const rank = t.rank;
      const perm = [rank - 2, ...t.shape.map((_, i) => i).filter((i) => i !== rank - 2)];
      return t
        .transpose(perm)
        .reshape([t.shape[rank - 2], -1])
        .mean(1);
    };
    return means(after).sub(means(before)).abs().max().dataSync()[0];
  });
}

async function train(layer: tf.layers.Layer, inShape: number[], outShape: number[], withModel: boolean) {
  const model = tf.sequential({ layers: [layer] });
  const optimizer = new SGD_GC({ lr: 0.05, ...(withModel ? { model } : {}) });
  const kernel = model.trainableWeights[0];
  const before = kernel.read().clone();
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.randomNormal([2, ...inShape], 0, 1, 'float32', 5);
  const y = tf.randomNormal([2, ...outShape], 0, 1, 'float32', 6);
  await model.fit(x, y, { epochs: 5, batchSize: 2, shuffle: false, verbose: 0 });
  const drift = outputMeanDrift(before, kernel.read());
  const moved = tf.tidy(() => kernel.read().sub(before).abs().max().dataSync()[0]);
  tf.dispose([before, x, y]);
  return { model, optimizer, kernelName: kernel.read().name, kernelShape: kernel.shape, drift, moved };
}

describe('transposed convolution kernels (cpu)', () => {
  it('a Conv2DTranspose layer named `up` is centred on axis -2 when the model is given; without it on -1', async () => {
    await useBackend('cpu');
    const known = await train(
      tf.layers.conv2dTranspose({ inputShape: [3, 3, 2], filters: 3, kernelSize: 3, name: 'up' }),
      [3, 3, 2],
      [5, 5, 3],
      true,
    );
    expect(known.optimizer.layoutOf(known.kernelName, known.kernelShape).outAxis).toBe(-2);
    expect(known.moved).toBeGreaterThan(1e-3);
    expect(known.drift).toBeLessThan(1e-6);
    const unknown = await train(
      tf.layers.conv2dTranspose({ inputShape: [3, 3, 2], filters: 3, kernelSize: 3, name: 'up2' }),
      [3, 3, 2],
      [5, 5, 3],
      false,
    );
    // documented: without `model`, a renamed layer needs a rule
    expect(unknown.optimizer.layoutOf(unknown.kernelName, unknown.kernelShape).outAxis).toBe(-1);
    expect(unknown.drift).toBeGreaterThan(1e-4);
  });

  it('Conv3DTranspose: by class when the model is given, by its default name otherwise', async () => {
    await useBackend('cpu');
    // tfjs has no gradient for Conv3DTranspose's input (Conv3DBackpropInputV2), so model.fit cannot
    // train one; the kernel is stepped directly with a loss of its own
    for (const [name, withModel] of [
      ['up3d', true],
      [undefined, false],
    ] as const) {
      const model = tf.sequential({
        layers: [tf.layers.conv3dTranspose({ inputShape: [2, 2, 2, 2], filters: 3, kernelSize: 2, name })],
      });
      const optimizer = new SGD_GC({ lr: 0.05, ...(withModel ? { model } : {}) });
      const kernel = model.trainableWeights[0].read() as tf.Variable;
      if (!withModel) expect(kernel.name).toMatch(/^conv3d_transpose/);
      expect(optimizer.layoutOf(kernel.name, kernel.shape).outAxis).toBe(-2);
      const before = kernel.clone();
      const target = tf.randomNormal(kernel.shape, 0, 1, 'float32', 8);
      for (let s = 0; s < 5; s++)
        optimizer.minimize(() => tf.sum(tf.square(tf.sub(kernel, target))) as tf.Scalar, false, [kernel]);
      expect(tf.tidy(() => kernel.sub(before).abs().max().dataSync()[0])).toBeGreaterThan(1e-3);
      expect(outputMeanDrift(before, kernel)).toBeLessThan(1e-6);
      tf.dispose([before, target]);
    }
  });

  it('the axis found from the model is saved with the optimizer: after a load it still applies', async () => {
    await useBackend('cpu');
    const { model, kernelShape } = await train(
      tf.layers.conv2dTranspose({ inputShape: [3, 3, 2], filters: 3, kernelSize: 3, name: 'upsaved' }),
      [3, 3, 2],
      [5, 5, 3],
      true,
    );
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-transpose-'));
    try {
      await model.save(fileSaver(dir), { includeOptimizer: true });
      const loaded = await tf.loadLayersModel(fileLoader(dir));
      const name = loaded.trainableWeights[0].read().name;
      expect(name).toBe('upsaved/kernel_1');
      expect((loaded.optimizer as GcOptimizer).layoutOf(name, kernelShape).outAxis).toBe(-2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
