import { describe, expect, it } from 'vitest';
import { benchData } from '../src/data.js';
import { BENCH_OPTIMIZERS } from '../src/optimizers.js';
import { pairedRatio } from '../src/pairedRatio.js';
import type { ParamSet } from '../src/paramSets.js';
import type { FloorSession } from '../src/streamFloor.js';

describe('paired rounds of floor pass and step', () => {
  it('alternates a floor pass and a step, each round its own ratio, the floor scaled to the set', async () => {
    const set: ParamSet = { name: 'tiny', shapes: [[8, 3, 3, 3], [8]], size: 8 * 27 + 8 };
    const opt = BENCH_OPTIMIZERS.find((o) => o.name === 'Adam_GC')!;
    const order: string[] = [];
    // a fake floor: 2 ms per pass over twice the set's elements, so 1 ms for the set
    const floor: FloorSession = {
      elements: 2 * set.size,
      pass: () => (order.push('floor'), 2),
    };
    const r = await pairedRatio(
      set,
      opt,
      benchData(set),
      floor,
      null,
      { backend: 'js' },
      {
        warmup: 1,
        rounds: 5,
        checkFinite: true,
      },
    );
    expect(order).toHaveLength(6); // one warm-up pass, then one per round
    expect(r.floorMs).toEqual([1, 1, 1, 1, 1]);
    expect(r.stepMs).toHaveLength(5);
    r.ratios.forEach((x, i) => expect(x).toBe(r.stepMs[i] / r.floorMs[i]));
    const sorted = [...r.ratios].sort((a, b) => a - b);
    expect(r.median).toBe(sorted[2]);
    expect(r.readMs).toBeNull();
    expect(r.bound).toBeNull();
    // each round's step in its two phases, as the step reported them: together no more than the step
    expect(r.scanMs).toHaveLength(5);
    r.scanMs.forEach((scan, i) => {
      expect(scan).toBeGreaterThan(0); // the 'js' backend's finiteness check
      expect(r.updateMs[i]).toBeGreaterThan(0);
      expect(scan + r.updateMs[i]).toBeLessThanOrEqual(r.stepMs[i]);
    });
  });

  it('with a read pass: floor, read, step each round, the bound (floor + read) / floor per round', async () => {
    const set: ParamSet = { name: 'tiny', shapes: [[8, 3, 3, 3], [8]], size: 8 * 27 + 8 };
    const opt = BENCH_OPTIMIZERS.find((o) => o.name === 'Adam_GC')!;
    const order: string[] = [];
    const floorTimes = [4, 2, 2, 8, 2, 2];
    const readTimes = [9, 1, 3, 1, 2, 5];
    // floor over twice the set's elements, the read over four times: scaled to 1/2 and 1/4
    const floor: FloorSession = { elements: 2 * set.size, pass: () => (order.push('floor'), floorTimes.shift()!) };
    const read: FloorSession = { elements: 4 * set.size, pass: () => (order.push('read'), readTimes.shift()!) };
    const r = await pairedRatio(
      set,
      opt,
      benchData(set),
      floor,
      read,
      { backend: 'js' },
      {
        warmup: 1,
        rounds: 5,
        checkFinite: true,
      },
    );
    expect(order).toEqual(Array.from({ length: 6 }, () => ['floor', 'read']).flat());
    expect(r.floorMs).toEqual([1, 1, 4, 1, 1]);
    expect(r.readMs).toEqual([0.25, 0.75, 0.25, 0.5, 1.25]);
    // per round (floor + read) / floor: 1.25, 1.75, 1.0625, 1.5, 2.25
    expect(r.bound).toBe(1.5);
  });
});
