import ndarray from 'ndarray';
import { expect, it } from 'vitest';
import { Lookahead, SGD, type Param } from '../src/index.js';

// docs/ALGORITHMS.md §3.6: the step-1 sync takes the slow copy of every parameter, with or without a
// gradient; with alpha 0 every later sync puts the weights back to that copy.
it('Lookahead: a parameter without a gradient at step 1 returns to its step-1 value (k 1, alpha 0)', () => {
  const opt = Lookahead(SGD({ lr: 0.1 }), { k: 1, alpha: 0 });
  const a: Param = { value: ndarray(Float32Array.from([1, 2]), [2]), name: 'a' };
  const b: Param = { value: ndarray(Float32Array.from([8]), [1]), name: 'b' };
  const state = opt.init([a, b]);
  opt.stepInPlace([a, b], [Float32Array.from([1, 1]), null], state);
  opt.stepInPlace([a, b], [Float32Array.from([1, 1]), Float32Array.from([1])], state);
  expect(Array.from(b.value.data as Float32Array)).toEqual([8]);
  expect(Array.from(a.value.data as Float32Array)).toEqual([Math.fround(0.9), Math.fround(1.9)]);
});
