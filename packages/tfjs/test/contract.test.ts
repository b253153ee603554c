// Every gcopt optimizer, on every test backend: it minimizes, its config rebuilds it, and its
// state saved with getWeights and restored into a fresh instance continues exactly.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceOptimizers } from '@gcopt/core';
import { type GcOptimizer, Lookahead, optimizerByName, optimizerFromConfig, Adam_GC } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';

interface Case {
  label: string;
  make: () => GcOptimizer;
}

const lrFor = (name: string) =>
  name.startsWith('SGD') ? { lr: 0.05, momentum: 0.9 } : name === 'PlainRAdam' ? { lr: 0.3 } : { lr: 0.02 };
const gcFlags = (family: string) => (family === 'advanced' ? { useGc: true } : {});

const CASES: Case[] = [
  ...referenceOptimizers.map(({ name, family }) => ({
    label: `${name} (${family})`,
    make: () => optimizerByName(name, { ...lrFor(name), ...gcFlags(family) }, family),
  })),
  { label: 'Lookahead(Adam_GC)', make: () => new Lookahead({ optimizer: new Adam_GC({ learningRate: 0.02 }), k: 3 }) },
];

/** A least-squares problem on a [4,3] kernel and a [3] bias, named variables (minimize's NamedTensorMap path). */
function problem(prefix: string) {
  const random = seeded(3);
  const w = tf.variable(tf.tensor(randomArray(12, random), [4, 3]), true, `${prefix}/kernel`);
  const b = tf.variable(tf.tensor(randomArray(3, random), [3]), true, `${prefix}/bias`);
  const x = tf.tensor(randomArray(40, random), [10, 4]);
  const y = tf.tensor(randomArray(30, random), [10, 3]);
  const loss = () => tf.losses.meanSquaredError(y, x.matMul(w).add(b)) as tf.Scalar;
  return { w, b, loss, dispose: () => tf.dispose([w, b, x, y]) };
}

let serial = 0;
function run(optimizer: GcOptimizer, steps: number, p: ReturnType<typeof problem>): number {
  let last = NaN;
  for (let s = 0; s < steps; s++) {
    const cost = optimizer.minimize(p.loss, true)!;
    last = cost.dataSync()[0];
    cost.dispose();
  }
  return last;
}

describe.each(BACKENDS)('every optimizer on %s', (backend) => {
  it.each(CASES)('$label: minimizes, round-trips its config, resumes from getWeights exactly', async ({ make }) => {
    await useBackend(backend);
    const id = `c${serial++}`;
    // uninterrupted: 12 steps
    const ref = problem(`${id}ref`);
    const refOpt = make();
    const firstLoss = ref.loss().dataSync()[0];
    const finalLoss = run(refOpt, 12, ref);
    expect(finalLoss).toBeLessThan(firstLoss);

    // interrupted after 5 steps: state through getWeights -> JSON-able data -> setWeights of an optimizer rebuilt from
    // its config
    const cut = problem(`${id}cut`);
    const first = make();
    run(first, 5, cut);
    const saved = (await first.getWeights()).map(({ name, tensor }) => ({
      name,
      shape: tensor.shape,
      dtype: tensor.dtype,
      data: Array.from(tensor.dataSync()),
    }));
    const config = JSON.parse(JSON.stringify({ className: first.getClassName(), config: first.getConfig() }));
    first.dispose();
    const second = optimizerFromConfig(config);
    expect(second.getClassName()).toBe(first.getClassName());
    expect(second.getConfig()).toEqual(first.getConfig());
    const restored = saved.map(({ name, shape, dtype, data }) => ({
      name,
      tensor: tf.tensor(data, shape, dtype as 'float32'),
    }));
    await second.setWeights(restored);
    tf.dispose(restored.map((r) => r.tensor));
    expect(second.iterations).toBe(5);
    run(second, 7, cut);
    expect(Array.from(cut.w.dataSync())).toEqual(Array.from(ref.w.dataSync()));
    expect(Array.from(cut.b.dataSync())).toEqual(Array.from(ref.b.dataSync()));
    refOpt.dispose();
    second.dispose();
    ref.dispose();
    cut.dispose();
  });
});
