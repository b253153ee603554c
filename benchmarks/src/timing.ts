import { collectGarbage } from './collectGarbage.js';

/** Steps taken before timing starts (JIT, page faults, caches). */
export interface Schedule {
  readonly warmup: number;
  /** Timed steps; the median is reported (at least 7). */
  readonly reps: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `step` warmup + reps times, from a collected heap; returns the timed durations in ms. */
export function timeSteps(step: () => void, { warmup, reps }: Schedule): number[] {
  collectGarbage();
  for (let i = 0; i < warmup; i++) step();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    samples.push(performance.now() - t0);
  }
  return samples;
}
