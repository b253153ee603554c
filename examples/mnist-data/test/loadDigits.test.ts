import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, loadDigits } from '../src/index.js';

describe('loadDigits', () => {
  it('splits the 10,000 real digits deterministically and without overlap', () => {
    const a = loadDigits();
    const b = loadDigits();
    expect(a.train.count).toBe(8000);
    expect(a.test.count).toBe(2000);
    expect(a.train.images.length).toBe(8000 * IMAGE_SIZE);
    expect(Buffer.from(a.test.images.buffer).equals(Buffer.from(b.test.images.buffer))).toBe(true);
    expect(Array.from(a.train.labels.subarray(0, 50))).toEqual(Array.from(b.train.labels.subarray(0, 50)));
    // every class is present in both sets, and pixels are grey levels in [0, 1]
    for (const set of [a.train, a.test]) {
      const seen = new Set(set.labels);
      expect(seen.size).toBe(10);
    }
    let max = 0;
    for (const v of a.train.images) max = Math.max(max, v);
    expect(max).toBe(1);
  });

  it('changes the split with the seed', () => {
    const a = loadDigits({ seed: 1 });
    const b = loadDigits({ seed: 2 });
    expect(Array.from(a.test.labels.subarray(0, 100))).not.toEqual(Array.from(b.test.labels.subarray(0, 100)));
  });
});
