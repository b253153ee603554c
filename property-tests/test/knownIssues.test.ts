/**
 * Bugs the value property found in other packages, kept as failing regression tests (`it.fails`):
 * when a fix lands, the test starts passing, vitest reports it, and the exclusion it documents in the
 * backend adapter can go.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { Lookahead, optimizerByName } from '@gcopt/tfjs';

// docs/ALGORITHMS.md §3.6: the step-1 sync runs for every parameter, with or without a gradient, and
// takes the slow copy; with alpha 0 every later sync puts the weights back to that copy.
const TITLE = '@gcopt/tfjs Lookahead: a variable without a gradient at step 1 keeps its value (slow copy at step 1)';

it.fails(TITLE, async () => {
  await tf.setBackend('cpu');
  const a = tf.variable(tf.tensor1d([1, 2]), true, 'known-issue/a');
  const b = tf.variable(tf.tensor1d([8]), true, 'known-issue/b');
  const quiet = () => {};
  const inner = optimizerByName('SGD', { lr: 0.1, onWarning: quiet }, 'advanced');
  const opt = new Lookahead({ optimizer: inner, k: 1, alpha: 0, onWarning: quiet } as never);
  try {
    opt.applyGradients({ 'known-issue/a': tf.tensor1d([1, 1]) });
    opt.applyGradients({ 'known-issue/a': tf.tensor1d([1, 1]), 'known-issue/b': tf.tensor1d([1]) });
    // alpha 0: every sync returns to the step-1 slow copy: a = [0.9, 1.9], b = 8 (untouched at step 1)
    expect(Array.from(b.dataSync())).toEqual([8]);
  } finally {
    opt.dispose();
    a.dispose();
    b.dispose();
  }
});
