import { expect, it } from 'vitest';
import { createOptimizer, type Float32Param } from '../src/index.js';

// docs/ALGORITHMS.md §3.6: the step-1 sync takes the slow copy of every parameter, with or without a
// gradient; with alpha 0 every later sync puts the weights back to that copy.
it.each([
  ['one group', []],
  ['b alone in its group', [{ params: ['b'] }]],
])(
  'Lookahead: a parameter without a gradient at step 1 returns to its step-1 value (k 1, alpha 0; %s)',
  (_, groups) => {
    const a: Float32Param = { name: 'a', shape: [2], data: Float32Array.from([1, 2]) };
    const b: Float32Param = { name: 'b', shape: [1], data: Float32Array.from([8]) };
    const options = {
      lr: 0.1,
      family: 'advanced',
      lookahead: { k: 1, alpha: 0 },
      groups,
      onWarning: () => {},
    } as const;
    const opt = createOptimizer('SGD', options, [a, b]);
    opt.step({ a: Float32Array.from([1, 1]), b: null });
    opt.step({ a: Float32Array.from([1, 1]), b: Float32Array.from([1]) });
    expect(Array.from(b.data)).toEqual([8]);
    expect(Array.from(a.data)).toEqual([Math.fround(0.9), Math.fround(1.9)]);
  },
);
