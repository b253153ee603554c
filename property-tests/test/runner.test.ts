import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, runConfig } from '../src/config.js';
import { checkProperty } from '../src/runner.js';

describe('checkProperty', () => {
  // fails for every integer above 1000: shrinking ends at exactly 1001, the first failing draw is larger
  const property = {
    name: 'small',
    arbitrary: fc.integer({ min: 0, max: 1_000_000 }),
    predicate: (x: number) => x <= 1000,
  };

  it('shrinks a counterexample by default, and reports the first one as found with shrink: false', async () => {
    const shrunk = await checkProperty(property, runConfig({ seed: DEFAULT_SEED, numRuns: 100 }));
    const first = await checkProperty(property, runConfig({ seed: DEFAULT_SEED, numRuns: 100, shrink: false }));
    expect(shrunk.failed && first.failed).toBe(true);
    expect(shrunk.message).toMatch(/Counterexample: \[1001\]/);
    expect(first.message).toMatch(/Counterexample: \[\d+\]/);
    expect(first.message).not.toMatch(/Counterexample: \[1001\]/);
    // without shrinking, no shrink steps: the path is the index of the failing run alone
    expect(first.path).toMatch(/^\d+$/);
  });
});
