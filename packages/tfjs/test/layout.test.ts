// tfjs puts the output channel last: SGD_GC keeps each output unit's weight mean (over all other
// axes) fixed on a real model, and per-variable rules move the axis or switch GC off.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { GcoptWarning } from '@gcopt/core';
import { SGD_GC } from '../src/index.js';
import { useBackend } from './backends.js';
import { smallData, smallModel } from './models.js';

/** Mean of every slice along `axis` (the output units), from a tensor's values. */
function unitMeans(t: tf.Tensor, axis: number): number[] {
  const a = axis < 0 ? t.rank + axis : axis;
  return tf.tidy(() =>
    Array.from(
      t
        .transpose([a, ...t.shape.map((_, i) => i).filter((i) => i !== a)])
        .reshape([t.shape[a], -1])
        .mean(1)
        .dataSync(),
    ),
  );
}

/** A kernel's variable name (a second layer of the same name gets a `_1` suffix). */
const isKernel = (name: string) => /\/kernel(_\d+)?$/.test(name);

function maxAbsDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

async function trainAndCompare(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  axisOf: (name: string) => number | null,
) {
  const before = model.trainableWeights.map((w) => ({ name: w.name, value: w.read().clone() }));
  model.compile({ optimizer, loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: 10, batchSize: x.shape[0], shuffle: false, verbose: 0 });
  const out = model.trainableWeights.map((w, i) => {
    const axis = axisOf(w.name);
    const moved = tf.tidy(() => w.read().sub(before[i].value).abs().max().dataSync()[0]);
    const meanDrift = axis === null ? null : maxAbsDiff(unitMeans(w.read(), axis), unitMeans(before[i].value, axis));
    return { name: w.name, moved, meanDrift };
  });
  tf.dispose(before.map((b) => b.value));
  return out;
}

describe.each(['host', 'tensor'] as const)('output axis and exclusions (cpu, %s backend)', (stepBackend) => {
  it('SGD_GC keeps the per-output-unit weight mean of Conv2D and Dense kernels; tf.train.sgd does not', async () => {
    await useBackend('cpu');
    const { x, y } = smallData('conv');
    const kernelAxis = (name: string) => (isKernel(name) ? -1 : null);
    const gc = await trainAndCompare(
      smallModel('conv'),
      new SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2, backend: stepBackend }),
      x,
      y,
      kernelAxis,
    );
    const plain = await trainAndCompare(smallModel('conv'), tf.train.sgd(0.1), x, y, kernelAxis);
    for (const [i, w] of gc.entries()) {
      expect(w.moved).toBeGreaterThan(1e-3);
      if (w.meanDrift === null) continue;
      expect(w.meanDrift, w.name).toBeLessThan(1e-6);
      expect(plain[i].meanDrift!, `${w.name} under plain SGD`).toBeGreaterThan(1e-4);
    }
    expect(gc.filter((w) => w.meanDrift !== null)).toHaveLength(3); // conv + 2 dense kernels
  });

  it('a Conv2DTranspose kernel [kh,kw,out,in] is centred on axis -2 (default rule, or a rule by name)', async () => {
    await useBackend('cpu');
    const x = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 5);
    const y = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 6);
    for (const name of [undefined, 'upsampler']) {
      const model = tf.sequential({
        layers: [tf.layers.conv2dTranspose({ inputShape: [3, 3, 2], filters: 3, kernelSize: 3, name })],
      });
      const opt = new SGD_GC({
        lr: 0.05,
        backend: stepBackend,
        variables: name ? [{ pattern: /^upsampler\/kernel/, outAxis: -2 }] : [],
      });
      const [kernel] = await trainAndCompare(model, opt, x, y, (n) => (isKernel(n) ? -2 : null));
      expect(opt.layoutOf(model.trainableWeights[0].name, [3, 3, 3, 2]).outAxis).toBe(-2);
      expect(kernel.moved).toBeGreaterThan(1e-3);
      expect(kernel.meanDrift!).toBeLessThan(1e-6);
    }
    // without the rule the last axis (in) is centred instead, and the output means drift
    const model = tf.sequential({
      layers: [tf.layers.conv2dTranspose({ inputShape: [3, 3, 2], filters: 3, kernelSize: 3 })],
    });
    const [wrong] = await trainAndCompare(
      model,
      new SGD_GC({ lr: 0.05, layerDefaults: false, backend: stepBackend }),
      x,
      y,
      (n) => (isKernel(n) ? -2 : null),
    );
    expect(wrong.meanDrift!).toBeGreaterThan(1e-4);
  });

  it('embeddings are excluded by default; a predicate or a name excludes anything else', async () => {
    await useBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 6, outputDim: 4, inputLength: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, name: 'head' }),
      ],
    });
    const x = tf.tensor(
      [
        [0, 1, 2],
        [3, 4, 5],
        [1, 3, 5],
        [0, 2, 4],
      ],
      [4, 3],
      'int32',
    );
    const y = tf.randomNormal([4, 2], 0, 1, 'float32', 9);
    const opt = new SGD_GC({
      lr: 0.5,
      backend: stepBackend,
      variables: [{ predicate: (name, shape) => name.startsWith('head/') && shape.length === 2, gc: false }],
    });
    const [emb, head] = await trainAndCompare(model, opt, x, y, (n) => (/\/bias(_\d+)?$/.test(n) ? null : -1));
    expect(emb.moved).toBeGreaterThan(1e-3);
    expect(emb.meanDrift!).toBeGreaterThan(1e-4); // not centred
    expect(head.meanDrift!).toBeGreaterThan(1e-4); // excluded by the predicate
    // the predicate's decision is saved as a rule by name
    expect(JSON.stringify(opt.getConfig().variables)).toContain('head');
  });

  it('a Dense kernel with one input ([1,n]) gets a zero update and one warning (as the core)', async () => {
    await useBackend('cpu');
    const warnings: GcoptWarning[] = [];
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 3 })] });
    const x = tf.tensor([[1], [2], [3]]);
    const y = tf.randomNormal([3, 3], 0, 1, 'float32', 4);
    const [kernel, bias] = await trainAndCompare(
      model,
      new SGD_GC({ lr: 0.1, backend: stepBackend, onWarning: (w) => warnings.push(w) }),
      x,
      y,
      () => null,
    );
    expect(kernel.moved).toBe(0);
    expect(bias.moved).toBeGreaterThan(1e-3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('gc-zeroes-gradient');
    expect(warnings[0].paramName).toBe(model.trainableWeights[0].name);
  });
});
