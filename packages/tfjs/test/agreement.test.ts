// The adapter trains a tfjs-layers model with model.fit; the core trains an identical model from
// the same weights on the same data, fed the gradients tfjs computes. After 20 steps the weights
// agree to float32 tolerance.
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, type Family } from '@gcopt/core';
import { optimizerByName } from '../src/index.js';
import { BACKENDS, useBackend } from './backends.js';
import { maxRelativeDifference, smallData, smallModel, weightsOf } from './models.js';

const STEPS = 20;
const CASES: [string, Record<string, unknown>, Family][] = [
  ['SGD_GC', { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 }, 'first_release'],
  ['Adam_GC', { lr: 1e-2, weightDecay: 1e-3 }, 'first_release'],
  ['Adam_GCC2', { lr: 1e-2 }, 'first_release'],
  ['AdamW_GC2', { lr: 1e-2, weightDecay: 1e-2 }, 'first_release'],
  ['Adagrad_GC', { lr: 0.05 }, 'first_release'],
  ['Ranger', { lr: 1e-2, k: 3, useGc: true }, 'advanced'],
];

async function trainWithCore(kind: 'dense' | 'conv', name: string, options: Record<string, unknown>, family: Family) {
  const model = smallModel(kind);
  const { x, y } = smallData(kind);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const params = vars.map((v) => ({
    value: ndarray(Float32Array.from(v.dataSync()), [...v.shape]),
    outAxis: -1,
    name: v.name,
  }));
  const core = createOptimizer(name, options, family);
  const state = core.init(params);
  for (let s = 0; s < STEPS; s++) {
    const { grads, value } = tf.variableGrads(
      () => tf.metrics.meanSquaredError(y, model.apply(x) as tf.Tensor).mean() as tf.Scalar,
      vars,
    );
    core.stepInPlace(
      params,
      vars.map((v) => grads[v.name].dataSync() as Float32Array),
      state,
    );
    tf.dispose([value, ...Object.values(grads)]);
    vars.forEach((v, i) => v.assign(tf.tensor(params[i].value.data, v.shape)));
  }
  return params.map((p) => p.value.data as Float32Array);
}

async function trainWithAdapter(
  kind: 'dense' | 'conv',
  name: string,
  options: Record<string, unknown>,
  family: Family,
  stepBackend: string,
) {
  const model = smallModel(kind);
  const { x, y } = smallData(kind);
  const optimizer = optimizerByName(name, { ...options, backend: stepBackend }, family);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: STEPS, batchSize: x.shape[0], shuffle: false, verbose: 0 });
  expect(optimizer.iterations).toBe(STEPS);
  return weightsOf(model);
}

const STEP_BACKENDS = ['host', 'tensor'] as const;

describe.each(BACKENDS.flatMap((b) => STEP_BACKENDS.map((e) => [b, e] as const)))(
  'adapter (model.fit) agrees with the core on %s, %s backend',
  (backend, stepBackend) => {
    const kind = backend === 'wasm' ? 'dense' : 'conv';
    it.each(CASES)('%s', async (name, options, family) => {
      await useBackend(backend);
      const viaCore = await trainWithCore(kind, name, options, family);
      const viaAdapter = await trainWithAdapter(kind, name, options, family, stepBackend);
      const initial = weightsOf(smallModel(kind));
      // the models did move, and moved the same way
      expect(maxRelativeDifference(viaCore, initial)).toBeGreaterThan(1e-3);
      expect(maxRelativeDifference(viaAdapter, viaCore)).toBeLessThan(1e-4);
    });
  },
);
