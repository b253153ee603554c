// docs/ALGORITHMS.md §3.6: Lookahead's step-1 sync takes the slow copy of every parameter, with or without a
// gradient at step 1; with alpha 0 every later sync puts the weights back to that copy. tfjs hands an
// optimizer only names: a variable without a gradient is named with no tensor (minimize with a varList,
// as model.fit calls it) or not named at all (applyGradients of tf.variableGrads' map).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Lookahead, optimizerByName, SGD } from '../src/index.js';

const quiet = () => {};
let made: { dispose(): void }[] = [];
const kept = <T extends { dispose(): void }>(x: T): T => {
  made.push(x);
  return x;
};
let id = 0;
const variable = (values: number[], trainable = true) =>
  kept(tf.variable(tf.tensor1d(values), trainable, `lookahead-no-grad/${id++}`));
/** Lookahead(SGD lr 0.1, k 1, alpha 0): every step ends by putting the weights back to the step-1 copy. */
const backToStepOne = (backend: 'host' | 'tensor') => {
  const inner = optimizerByName('SGD', { lr: 0.1, onWarning: quiet }, 'advanced');
  return kept(new Lookahead({ optimizer: inner, k: 1, alpha: 0, onWarning: quiet, backend }));
};
const values = (v: tf.Variable) => Array.from(v.dataSync());

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  for (const x of made) x.dispose();
  made = [];
});

describe.each(['host', 'tensor'] as const)(
  'Lookahead, %s backend: a variable without a gradient at step 1',
  (backend) => {
    it('not named at step 1: its first later sync puts it back to its step-1 value', () => {
      const a = variable([1, 2]);
      const b = variable([8]);
      const opt = backToStepOne(backend);
      tf.tidy(() => opt.applyGradients({ [a.name]: tf.tensor1d([1, 1]) }));
      tf.tidy(() => opt.applyGradients({ [a.name]: tf.tensor1d([1, 1]), [b.name]: tf.tensor1d([1]) }));
      expect(values(b)).toEqual([8]);
      expect(values(a)).toEqual([Math.fround(0.9), Math.fround(1.9)]);
    });

    it('named by minimize(f, true, varList): its slow copy is taken at step 1, whatever changes it later', () => {
      const a = variable([1, 2]);
      const b = variable([8]);
      const opt = backToStepOne(backend);
      kept(opt.minimize(() => a.sum() as tf.Scalar, true, [a, b])!);
      b.assign(tf.tensor1d([5])); // changed outside the optimizer: the reference's slow copy still holds 8
      kept(opt.minimize(() => a.sum().add(b.sum()) as tf.Scalar, true, [a, b])!);
      expect(values(b)).toEqual([8]);
    });

    it('named with null (non-trainable, as minimize names it): no state, never synced', async () => {
      const a = variable([1, 2]);
      const frozen = variable([3], false);
      const opt = backToStepOne(backend);
      kept(opt.minimize(() => a.sum().add(frozen.sum()) as tf.Scalar, true, [a, frozen])!);
      frozen.assign(tf.tensor1d([4]));
      kept(opt.minimize(() => a.sum().add(frozen.sum()) as tf.Scalar, true, [a, frozen])!);
      expect(values(frozen)).toEqual([4]);
      const names = (await opt.getWeights()).map((w) => w.name);
      expect(names.filter((n) => n.startsWith(`${frozen.name}/`))).toEqual([]);
    });
  },
);

it('the state after step 1 holds the slow copy of a variable that had no gradient (as the reference)', async () => {
  const a = variable([1, 2]);
  const b = variable([8]);
  const opt = kept(new Lookahead({ optimizer: new SGD({ lr: 0.1, onWarning: quiet }), k: 2, onWarning: quiet }));
  kept(opt.minimize(() => a.sum() as tf.Scalar, true, [a, b])!);
  const weights = await opt.getWeights();
  const slow = weights.find((w) => w.name === `${b.name}/slow_param`);
  expect(slow && Array.from(slow.tensor.dataSync())).toEqual([8]);
});
