// The tensor backend (the core's recipe as tf ops) against the host backend (the core itself), for
// every optimizer and the options that change its recipe, on every test backend: 20 steps of
// optimizer.minimize on variables of every layout (rank-4 kernel, dense kernel, bias, a GC-excluded
// table, a kernel centred on axis -2), weights and state equal to float32 tolerance.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceOptimizers } from '@gcopt/core';
import { Adagrad_GC, Adam_GC2, type GcOptimizer, Lookahead, optimizerByName, SGD_GC } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';
import { maxRelativeDifference } from './models.js';

const STEPS = 20;
const RULES = [
  { name: 'table', gc: false },
  { name: 'transposed', outAxis: -2 },
];

const base = (name: string) =>
  name.startsWith('SGD') ? { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 } : { lr: 0.01, weightDecay: 1e-3 };
const CASES: [string, (backend: 'host' | 'tensor') => GcOptimizer][] = [
  ...referenceOptimizers.map(({ name, family }): [string, (backend: 'host' | 'tensor') => GcOptimizer] => [
    `${name} (${family})`,
    (stepBackend) =>
      optimizerByName(
        name,
        { ...base(name), ...(family === 'advanced' ? { useGc: true } : {}), backend: stepBackend, variables: RULES },
        family,
      ),
  ]),
  [
    'Adam_GC2 amsgrad',
    (stepBackend) => new Adam_GC2({ lr: 0.01, amsgrad: true, backend: stepBackend, variables: RULES }),
  ],
  [
    'SGD_GC nesterov',
    (stepBackend) => new SGD_GC({ lr: 0.05, momentum: 0.9, nesterov: true, backend: stepBackend, variables: RULES }),
  ],
  [
    'SGD_GC dampening, no momentum buffer at 0',
    (stepBackend) => new SGD_GC({ lr: 0.05, momentum: 0.5, dampening: 0.3, backend: stepBackend, variables: RULES }),
  ],
  [
    'Adagrad_GC lrDecay, initial accumulator',
    (stepBackend) =>
      new Adagrad_GC({ lr: 0.05, lrDecay: 0.1, initialAccumulatorValue: 0.2, backend: stepBackend, variables: RULES }),
  ],
  [
    'RAdam gcLoc, decay',
    (stepBackend) =>
      optimizerByName('RAdam', {
        lr: 0.01,
        useGc: true,
        gcLoc: true,
        weightDecay: 0.05,
        backend: stepBackend,
        variables: RULES,
      }),
  ],
  [
    'Ranger gcConvOnly',
    (stepBackend) =>
      optimizerByName('Ranger', {
        lr: 0.01,
        useGc: true,
        gcConvOnly: true,
        k: 4,
        backend: stepBackend,
        variables: RULES,
      }),
  ],
  [
    'Lookahead(SGD_GC)',
    (stepBackend) =>
      new Lookahead({
        optimizer: new SGD_GC({ lr: 0.05, momentum: 0.9 }),
        k: 3,
        backend: stepBackend,
        variables: RULES,
      }),
  ],
];

let serial = 0;
async function train(make: () => GcOptimizer) {
  const random = seeded(21);
  const id = `t${serial++}`;
  const v = (name: string, shape: number[]) =>
    tf.variable(
      tf.tensor(
        randomArray(
          shape.reduce((a, b) => a * b, 1),
          random,
          0.5,
        ),
        shape,
      ),
      true,
      `${id}/${name}`,
    );
  const kernel4 = v('conv', [3, 3, 2, 4]);
  const dense = v('dense', [5, 4]);
  const bias = v('bias', [4]);
  const table = v('table', [6, 3]);
  const transposed = v('transposed', [2, 2, 3, 2]);
  const x1 = tf.tensor(randomArray(8 * 18, random), [8, 18]);
  const x2 = tf.tensor(randomArray(8 * 5, random), [8, 5]);
  const y = tf.tensor(randomArray(8 * 4, random), [8, 4]);
  const targets = tf.tensor(randomArray(18, random), [6, 3]);
  const loss = () =>
    tf.tidy(() => {
      const z = tf.add(tf.add(tf.matMul(x1, tf.reshape(kernel4, [18, 4])), tf.matMul(x2, dense)), bias);
      const fit = tf.mean(tf.square(tf.sub(z, y)));
      return tf.addN([
        fit,
        tf.mean(tf.square(tf.sub(tf.mul(table, 2), targets))),
        tf.mean(tf.square(tf.sin(transposed))),
      ]) as tf.Scalar;
    });
  const optimizer = make();
  // a variable list (model.fit's form): the table gets no gradient on odd steps
  for (let s = 0; s < STEPS; s++) {
    const vars = s % 2 ? [kernel4, dense, bias, transposed] : [kernel4, dense, bias, table, transposed];
    optimizer.minimize(loss, false, vars);
  }
  const state = (await optimizer.getWeights()).map((w) => Float32Array.from(w.tensor.dataSync()));
  const weights = [kernel4, dense, bias, table, transposed].map((w) => Float32Array.from(w.dataSync()));
  optimizer.dispose();
  tf.dispose([kernel4, dense, bias, table, transposed, x1, x2, y, targets]);
  return { weights, state };
}

describe.each(BACKENDS)('tensor backend = host backend (the core) on %s', (backend) => {
  it.each(CASES)('%s', async (_, make) => {
    await useBackend(backend);
    const host = await train(() => make('host'));
    const tensor = await train(() => make('tensor'));
    expect(maxRelativeDifference(tensor.weights, host.weights)).toBeLessThan(1e-4);
    expect(tensor.state.length).toBe(host.state.length);
    expect(maxRelativeDifference(tensor.state, host.state)).toBeLessThan(1e-3);
  });
});
