// The tfjs optimizer's state converts to and from @gcopt/float32's versioned snapshot (and its
// bytes): training moved between a tfjs model and a Float32Array model continues exactly.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, decodeSnapshot, encodeSnapshot, SnapshotMismatchError } from '@gcopt/float32';
import { ShapeMismatchError } from '@gcopt/core';
import { Adam_GC2, Ranger, SGD_GC, type GcOptimizer } from '../src/index.js';
import { randomArray, seeded, useBackend } from './backends.js';

const SHAPES: Record<string, number[]> = { kernel: [4, 3], bias: [3] };
const X = Float32Array.from(randomArray(20, seeded(8)));
const Y = Float32Array.from(randomArray(15, seeded(9)));

/** Gradients of a least-squares loss at the given weights (computed by tfjs for both sides). */
function gradients(weights: Record<string, Float32Array>): Record<string, Float32Array> {
  return tf.tidy(() => {
    const [k, b] = [tf.tensor(weights.kernel, SHAPES.kernel), tf.tensor(weights.bias, SHAPES.bias)];
    const loss = (kk: tf.Tensor, bb: tf.Tensor) =>
      tf.losses.meanSquaredError(tf.tensor(Y, [5, 3]), tf.add(tf.matMul(tf.tensor(X, [5, 4]), kk), bb));
    const [gk, gb] = tf.grads(loss)([k, b]);
    return { kernel: Float32Array.from(gk.dataSync()), bias: Float32Array.from(gb.dataSync()) };
  });
}

let serial = 0;
function tfjsSide(make: () => GcOptimizer, init: Record<string, Float32Array>) {
  const id = `snap${serial++}`;
  const vars = Object.fromEntries(
    Object.entries(SHAPES).map(([n, s]) => [n, tf.variable(tf.tensor(init[n], s), true, `${id}/${n}`)]),
  );
  const optimizer = make();
  const values = () => Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
  const step = () => {
    const g = gradients(values());
    optimizer.applyGradients(
      Object.fromEntries(Object.entries(vars).map(([n, v]) => [v.name, tf.tensor(g[n], SHAPES[n])])),
    );
  };
  const rename = (name: string) => name.replace(`${id}/`, '');
  return {
    id,
    vars,
    optimizer,
    values,
    step,
    rename,
    dispose: () => (optimizer.dispose(), tf.dispose(Object.values(vars))),
  };
}

const CASES: [string, () => GcOptimizer, Record<string, unknown>][] = [
  ['Adam_GC2', () => new Adam_GC2({ lr: 0.05 }), { lr: 0.05 }],
  ['SGD_GC', () => new SGD_GC({ lr: 0.05, momentum: 0.9 }), { lr: 0.05, momentum: 0.9 }],
  ['Ranger', () => new Ranger({ lr: 0.05, k: 3, useGc: true }), { lr: 0.05, k: 3, useGc: true }],
];

describe('float32 snapshot (cpu)', () => {
  it.each(CASES)(
    '%s: tfjs → bytes → @gcopt/float32 → bytes → tfjs, continuing as one run',
    async (name, make, options) => {
      await useBackend('cpu');
      const init = { kernel: randomArray(12, seeded(1)), bias: randomArray(3, seeded(2)) };
      const straight = tfjsSide(make, init);
      for (let s = 0; s < 12; s++) straight.step();

      // 4 steps in tfjs
      const first = tfjsSide(make, init);
      for (let s = 0; s < 4; s++) first.step();
      const snap = first.optimizer.snapshot();
      const renamed = { ...snap, params: snap.params.map((p) => ({ ...p, name: first.rename(p.name) })) };
      // 4 steps on Float32Arrays with @gcopt/float32
      const model = Object.entries(first.values()).map(([n, data]) => ({
        name: n,
        shape: SHAPES[n],
        data,
        outAxis: -1,
      }));
      // both defaults step on @gcopt/core/fast's kernels (the tfjs host backend and @gcopt/float32's),
      // so one run continues bit for bit
      const f32 = createOptimizer(name, options, model);
      f32.loadState(decodeSnapshot(encodeSnapshot(renamed)));
      const weights = () => Object.fromEntries(model.map((p) => [p.name, p.data]));
      for (let s = 0; s < 4; s++) f32.step(gradients(weights()));
      // 4 more steps in a fresh tfjs optimizer
      const last = tfjsSide(make, weights());
      const back = decodeSnapshot(encodeSnapshot(f32.state()));
      last.optimizer.loadSnapshot({
        ...back,
        params: back.params.map((p) => ({ ...p, name: `${last.id}/${p.name}` })),
      });
      expect(last.optimizer.iterations).toBe(8);
      for (let s = 0; s < 4; s++) last.step();

      expect(last.values()).toEqual(straight.values());
      expect(last.optimizer.snapshot().params.map((p) => p.slots)).toEqual(
        straight.optimizer.snapshot().params.map((p) => p.slots),
      );
      [straight, first, last].forEach((side) => side.dispose());
    },
  );

  it('refuses a snapshot of another optimizer, or of another layout, changing nothing', async () => {
    await useBackend('cpu');
    const init = { kernel: randomArray(12, seeded(1)), bias: randomArray(3, seeded(2)) };
    const adam = tfjsSide(() => new Adam_GC2({ lr: 0.05 }), init);
    adam.step();
    const snap = adam.optimizer.snapshot();
    const sgd = tfjsSide(() => new SGD_GC({ lr: 0.05, momentum: 0.9 }), init);
    sgd.step();
    const before = sgd.optimizer.snapshot();
    expect(() => sgd.optimizer.loadSnapshot({ ...snap, params: [] })).toThrow(SnapshotMismatchError);
    expect(sgd.optimizer.snapshot()).toEqual(before);
    // the same optimizer, but the kernel's state was made with outAxis 0
    const other = tfjsSide(() => new Adam_GC2({ lr: 0.05 }), init);
    other.optimizer.loadSnapshot({
      ...snap,
      params: snap.params.map((p) => ({
        ...p,
        name: p.name.replace(adam.id, other.id),
        outAxis: p.name.endsWith('kernel') ? 0 : p.outAxis,
      })),
    });
    expect(() => other.step()).toThrow(ShapeMismatchError);
    [adam, sgd, other].forEach((side) => side.dispose());
  });
});
