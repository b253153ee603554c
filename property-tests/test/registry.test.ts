import { describe, expect, it } from 'vitest';
import { backends, loadFailures } from './backends.js';

describe('backend registry', () => {
  it('every registered backend loaded', () => {
    expect(loadFailures.map((f) => `${f.name}: ${String((f.error as Error)?.stack ?? f.error)}`)).toEqual([]);
  });

  it('lists the core, float32, tfjs, fast and gpu backends', () => {
    const names = backends.map((b) => b.name);
    for (const expected of ['core', '@gcopt/float32', '@gcopt/tfjs', '@gcopt/core/fast js', '@gcopt/core/gpu cpu', '@gcopt/core/gpu webasm']) {
      expect(names).toContain(expected);
    }
  });
});
