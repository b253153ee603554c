import { describe, expect, it } from 'vitest';
import { pythonFloat } from '../src/index.js';

describe('pythonFloat formats numbers as Python str(float)', () => {
  it.each([
    [0, '0.0'],
    [1, '1.0'],
    [-0.1, '-0.1'],
    [1e-8, '1e-08'],
    [-1e-8, '-1e-08'],
    [-0.0001, '-0.0001'],
    [0.00001, '1e-05'],
    [1.5, '1.5'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [-1e-10, '-1e-10'],
    [2.5e-7, '2.5e-07'],
  ])('%s → %s', (x, s) => expect(pythonFloat(x)).toBe(s));
});
