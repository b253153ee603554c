// The tensor backend centres float32 channels as closely as float32 ops allow: each channel is shifted
// by its first element before its mean is taken (backends/tensorTransforms.ts). On nearly constant
// channels such as [1, 1, 1 + 2^-23], a plain float32 mean rounds to 1 and centres the channel to
// [0, 0, 2^-23]; Adam and Adagrad normalize that and move the first two weights by 0 instead of ∓lr.
// Compared with the host backend (the core, float64 means) on both layouts and both test backends.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { optimizerByName, type GcOptimizer } from '../src/index.js';
import { BACKENDS, useBackend } from './backends.js';

const ULP1 = 2 ** -23;
/** Channels (rows here) that differ from a constant in one last-place bit. */
const CHANNELS = [
  [1, 1, 1 + ULP1],
  [3, 3 - 2 * ULP1, 3],
  [1000, 1000 + 2 ** -13, 1000],
  [-0.75, -0.75, -0.75 - ULP1 / 2],
];
const rows = Float32Array.from(CHANNELS.flat());
/** The same channels as columns: the tfjs layout (output axis last). */
const columns = Float32Array.from([0, 1, 2].flatMap((j) => CHANNELS.map((c) => c[j])));
const PARAMS = [0.5, -0.25, 0.125, 1, 2, 3, -1, 0, 1, 0, 0, 0];

const CASES: [string, Record<string, unknown>, 'first_release' | 'advanced', boolean][] = [
  ['Adam_GC', { lr: 0.01 }, 'first_release', false],
  ['AdamW_GC', { lr: 0.01 }, 'first_release', false],
  ['Adagrad_GC', { lr: 0.01 }, 'first_release', false],
  ['Adam', { lr: 0.01, useGc: true, gcLoc: true }, 'advanced', false],
  ['AdamW', { lr: 0.01, useGc: true, weightDecay: 0 }, 'advanced', false],
  ['SGD_GC', { lr: 0.01, momentum: 0.9 }, 'first_release', true],
];

let serial = 0;
/** Each step's update (after − before) of a rows variable [4,3] (outAxis 0) and a columns one [3,4]. */
function updates(make: () => GcOptimizer, zeroParams: boolean): Float64Array[] {
  const id = `em${serial++}`;
  const init = zeroParams ? new Array(12).fill(0) : PARAMS;
  const r = tf.variable(tf.tensor(init, [4, 3]), true, `${id}/rows`);
  const c = tf.variable(
    tf.tensor(
      [0, 1, 2].flatMap((j) => [0, 1, 2, 3].map((i) => init[3 * i + j])),
      [3, 4],
    ),
    true,
    `${id}/columns`,
  );
  const gr = tf.tensor(rows, [4, 3]);
  const gc = tf.tensor(columns, [3, 4]);
  const optimizer = make();
  const out: Float64Array[] = [];
  for (let s = 0; s < 2; s++) {
    const before = [...r.dataSync(), ...c.dataSync()];
    // the loss's gradient is exactly the given channels
    optimizer.minimize(() => tf.tidy(() => tf.add(tf.sum(tf.mul(r, gr)), tf.sum(tf.mul(c, gc))) as tf.Scalar));
    const after = [...r.dataSync(), ...c.dataSync()];
    out.push(Float64Array.from(after, (a, i) => a - before[i]));
  }
  optimizer.dispose();
  tf.dispose([r, c, gr, gc]);
  return out;
}

function updateError(fused: Float64Array[], core: Float64Array[]): number {
  let worst = 0;
  core.forEach((x, s) => {
    const scale = Math.max(...x.map(Math.abs));
    x.forEach((v, i) => (worst = Math.max(worst, Math.abs(fused[s][i] - v) / scale)));
  });
  return worst;
}

describe.each(BACKENDS)('tensor backend on nearly constant channels (%s)', (backend) => {
  it.each(CASES)('%s', async (name, options, family, zeroParams) => {
    await useBackend(backend);
    const make = (backend: 'host' | 'tensor') => () =>
      optimizerByName(name, { ...options, backend, variables: [{ pattern: /\/rows$/, outAxis: 0 }] }, family);
    const host = updates(make('host'), zeroParams);
    expect(Math.min(...host[0].map(Math.abs))).toBeGreaterThan(0);
    // a few float32 last places of the weights, relative to the update (a float32 mean: 0.1–1)
    expect(updateError(updates(make('tensor'), zeroParams), host)).toBeLessThanOrEqual(1e-4);
  });
});
