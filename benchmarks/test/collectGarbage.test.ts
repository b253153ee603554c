import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/collectGarbage.js';

describe('collectGarbage', () => {
  it('runs a full collection without node flags: an unreachable object is gone afterwards', async () => {
    const ref = (() => new WeakRef({ payload: new Float64Array(1024) }))();
    // a WeakRef's target stays alive until the current job ends
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(collectGarbage()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });
});
