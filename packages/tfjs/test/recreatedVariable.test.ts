// A variable disposed and made again under the same name is a new variable: it trains, from fresh
// optimizer state, exactly as a variable the optimizer has never seen.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Adam_GC2, Lookahead } from '../src/index.js';
import { randomArray, seeded, useBackend } from './backends.js';

const loss = (w: tf.Variable) => () =>
  tf.sum(tf.square(tf.sub(w, tf.linspace(-1, 1, w.size).reshape(w.shape)))) as tf.Scalar;
const makeW = (name: string, seed: number) => tf.variable(tf.tensor(randomArray(12, seeded(seed)), [4, 3]), true, name);

describe.each(['host', 'tensor'] as const)('%s backend', (stepBackend) => {
  it.each([
    ['Adam_GC2', () => new Adam_GC2({ learningRate: 0.05, backend: stepBackend })],
    [
      'Lookahead(Adam_GC2)',
      () => new Lookahead({ optimizer: new Adam_GC2({ learningRate: 0.05 }), k: 2, backend: stepBackend }),
    ],
  ] as const)(
    '%s: a variable disposed and re-created under the same name trains from fresh state',
    async (label, make) => {
      await useBackend('cpu');
      const name = `recreated/${stepBackend}/${label}`;
      const made: tf.Variable[] = [];
      const opt = make();
      const reference = make();
      try {
        const first = makeW(name, 1);
        made.push(first);
        for (let s = 0; s < 3; s++) opt.minimize(loss(first));
        first.dispose();
        const again = makeW(name, 2);
        made.push(again);
        for (let s = 0; s < 3; s++) opt.minimize(loss(again));

        // the same optimizer steps (Lookahead syncs on the optimizer's count) on a variable never seen before
        const other = makeW(`${name}/other`, 1);
        const fresh = makeW(`${name}/fresh`, 2);
        made.push(other, fresh);
        for (let s = 0; s < 3; s++) reference.minimize(loss(other));
        for (let s = 0; s < 3; s++) reference.minimize(loss(fresh), false, [fresh]);
        expect(Array.from(again.dataSync())).toEqual(Array.from(fresh.dataSync()));
      } finally {
        for (const v of made) if (!v.isDisposed) v.dispose();
        opt.dispose();
        reference.dispose();
      }
    },
  );
});
