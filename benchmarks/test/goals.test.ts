import { describe, expect, it } from 'vitest';
import { type BenchReport, type Floor, GCOPT_MAIN, type Line, ratios } from '../src/bench.js';

// one (set, Adam_GC) of the report: its main line and its floor with paired rounds
function setOf(
  set: string,
  paired: { floorMs: number[]; stepMs: number[]; readMs: number[]; scanMs: number[]; updateMs: number[] },
) {
  const ratiosOfRounds = paired.stepMs.map((s, i) => s / paired.floorMs[i]);
  const line: Line = {
    set,
    optimizer: 'Adam_GC',
    impl: GCOPT_MAIN,
    ms: 20,
    minMs: 19,
    samples: [20],
    gbPerS: 1,
    maxRelError: 0,
    correct: true,
  };
  const floor: Floor = {
    set,
    optimizer: 'Adam_GC',
    params: 1,
    bytes: 28,
    pattern: 'adam',
    floorMs: 15,
    floorMedianMs: 16,
    gbPerS: 1,
    medianGbPerS: 1,
    oneThreadMs: 20,
    oneThreadMedianMs: 21,
    elements: 1,
    paired: {
      median: [...ratiosOfRounds].sort((a, b) => a - b)[1],
      ratios: ratiosOfRounds,
      ...paired,
      bound: 1.2,
    },
    sqrtDivMs: set === 'resnet50' ? 5.5 : 6,
  };
  return { line, floor };
}

describe('the floor goals', () => {
  it('carry the paired rounds’ median, bound and the medians of their floor passes, steps and phases', () => {
    const cf = setOf('resnet50', {
      floorMs: [12, 11, 16],
      stepMs: [15, 17, 19],
      readMs: [2, 2.5, 3],
      scanMs: [3, 2.75, 2],
      updateMs: [12, 14, 17],
    });
    const tf = setOf('resnet50-tfjs', {
      floorMs: [16, 17, 15],
      stepMs: [20, 21, 30],
      readMs: [3, 3, 3],
      scanMs: [4, 4, 5],
      updateMs: [16, 17, 25],
    });
    const report = {
      threads: 2,
      lines: [cf.line, tf.line],
      floors: [cf.floor, tf.floor],
      mlp: null,
    } as unknown as BenchReport;
    const goals = Object.values(ratios(report).goals) as Record<string, unknown>[];
    // channels first: ratios 1.25, 1.545…, 1.1875 → median 1.25, met at ≤ 1.25
    expect(goals[0]).toEqual({
      value: 1.25,
      target: 1.25,
      met: true,
      bound: 1.2,
      floorMs: 12,
      stepMs: 17,
      readMs: 2.5,
      scanMs: 2.75,
      updateMs: 14,
      sqrtDivMs: 5.5,
    });
    // tfjs layout: ratios 1.25, 1.235…, 2 → median 1.25 (≤ 1.35)
    expect(goals[1]).toMatchObject({
      value: 1.25,
      met: true,
      floorMs: 16,
      stepMs: 21,
      scanMs: 4,
      updateMs: 17,
      sqrtDivMs: 6,
    });
  });
});
