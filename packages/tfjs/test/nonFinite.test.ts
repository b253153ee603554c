// The tensor backend's NaN/Inf check rides on the reductions the step already computes (GC's channel
// sums, else a sum of the gradient). Held here for every optimizer and each layout: one NaN, +Inf or
// -Inf anywhere in any gradient (or +Inf and -Inf that cancel) is reported with its variable and
// element, and the step changes no weight, no state and not the iteration count.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteGradientError, referenceOptimizers } from '@gcopt/core';
import { Adam_GC2, type GcOptimizer, optimizerByName } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';

const SHAPES: Record<string, number[]> = { conv: [3, 3, 2, 4], dense: [5, 4], bias: [4], transposed: [2, 2, 3, 2] };
const RULES = [{ pattern: /\/transposed$/, outAxis: -2 }];
const GOOD_STEPS = 7; // past RAdam's and Ranger's un-rectified first steps, and one Lookahead sync

const options = (name: string) =>
  name.startsWith('SGD') ? { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 } : { lr: 0.01, weightDecay: 1e-3 };
const CASES: [string, () => GcOptimizer][] = [
  ...referenceOptimizers.map(({ name, family }): [string, () => GcOptimizer] => [
    `${name} (${family})`,
    () =>
      optimizerByName(
        name,
        { ...options(name), ...(family === 'advanced' ? { useGc: true } : {}), backend: 'tensor', variables: RULES },
        family,
      ),
  ]),
  ['Adam_GC2 amsgrad', () => new Adam_GC2({ lr: 0.01, amsgrad: true, backend: 'tensor', variables: RULES })],
  [
    'RAdam gcLoc',
    () => optimizerByName('RAdam', { lr: 0.01, useGc: true, gcLoc: true, backend: 'tensor', variables: RULES }),
  ],
];

let serial = 0;
describe.each(BACKENDS)('NaN/Inf in a gradient, tensor backend (%s)', (backend) => {
  it.each(CASES)('%s: reported, and nothing changes', async (_, make) => {
    await useBackend(backend);
    const id = `n${serial++}`;
    const random = seeded(5);
    const names = Object.keys(SHAPES).map((k) => `${id}/${k}`);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const vars = Object.values(SHAPES).map((s, i) =>
      tf.variable(tf.tensor(randomArray(size(s), random, 0.5), s), true, names[i]),
    );
    const grads = Object.values(SHAPES).map((s) => randomArray(size(s), random, 0.1));
    const gradMap = (poison?: { variable: number; at: number[]; values: number[] }) =>
      Object.fromEntries(
        vars.map((v, i) => {
          const data = Float32Array.from(grads[i]);
          if (poison?.variable === i) poison.at.forEach((j, k) => (data[j] = poison.values[k]));
          return [v.name, tf.tensor(data, v.shape)];
        }),
      );
    const optimizer = make();
    for (let s = 0; s < GOOD_STEPS; s++) {
      const g = gradMap();
      optimizer.applyGradients(g);
      tf.dispose(Object.values(g));
    }
    const snapshot = async () => ({
      state: (await optimizer.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]),
      values: vars.map((v) => Array.from(v.dataSync())),
    });
    const before = await snapshot();
    const poisons = vars.flatMap((v, variable) => {
      const last = v.size - 1;
      return [
        ...[NaN, Infinity, -Infinity].map((bad) => ({ variable, at: [last], values: [bad], first: last })),
        { variable, at: [1, last], values: [Infinity, -Infinity], first: 1 }, // these cancel to NaN in a sum
      ];
    });
    for (const poison of poisons) {
      const g = gradMap(poison);
      let error: unknown;
      try {
        optimizer.applyGradients(g);
      } catch (e) {
        error = e;
      }
      tf.dispose(Object.values(g));
      expect(error, `${names[poison.variable]} ${poison.values}`).toBeInstanceOf(NonFiniteGradientError);
      expect((error as NonFiniteGradientError).paramName).toBe(names[poison.variable]);
      expect((error as NonFiniteGradientError).elementIndex).toBe(poison.first);
      expect(optimizer.iterations).toBe(GOOD_STEPS);
    }
    expect(await snapshot()).toEqual(before);
    optimizer.dispose();
    tf.dispose(vars);
  });
});
