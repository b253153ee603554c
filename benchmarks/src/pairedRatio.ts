import type { FastOptions } from '@gcopt/core/fast';
import { fastOptimizerFor } from './gcoptRunners.js';
import type { BenchData } from './data.js';
import type { BenchOptimizer } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import type { FloorSession } from './streamFloor.js';
import { median } from './timing.js';
import { collectGarbage } from './collectGarbage.js';

/** Per-round step / floor ratios of one (set, optimizer), and what each round timed. */
export interface PairedRatio {
  /** Median over the rounds of (step ms) / (floor ms scaled to the set's parameter count). */
  readonly median: number;
  readonly ratios: number[];
  readonly stepMs: number[];
  readonly floorMs: number[];
  /**
   * With a read pass: each round's pass of the `gradientRead` pattern (scaled as the floor), and the
   * median over the rounds of (floor + read) / floor — the least a step that reads every gradient once
   * more before writing anything (the finiteness check, GC's sums) can be over the floor here.
   */
  readonly readMs: number[] | null;
  readonly bound: number | null;
  /**
   * Each round's step in its two phases (`step({ phases })`): the scan, which reads every gradient
   * before anything is written (set beside `readMs`), and the update (beside `floorMs`).
   */
  readonly scanMs: number[];
  readonly updateMs: number[];
}

/**
 * gcopt's step against the stream floor in alternating rounds — a floor pass, then a step, each round
 * its own ratio (and, given `read`, a read pass of the gradient between them) — so that both sides of
 * every ratio ran within milliseconds of each other. Timed apart (all floor passes first, the steps a
 * minute later), a shared machine's background load lands on one side and not the other: on the 2-core
 * development VM the floor's median moved by a third between two sets of one run. The step is the
 * main line's: zero-copy gradients, `checkFinite` as given.
 */
export async function pairedRatio(
  set: ParamSet,
  opt: BenchOptimizer,
  data: BenchData,
  floor: FloorSession,
  read: FloorSession | null,
  options: FastOptions,
  { warmup, rounds, checkFinite }: { warmup: number; rounds: number; checkFinite: boolean },
): Promise<PairedRatio> {
  const fast = await fastOptimizerFor(set, opt, data, options);
  try {
    const scale = set.size / floor.elements; // the floor streams at least the set's elements
    collectGarbage();
    for (let i = 0; i < warmup; i++) {
      floor.pass();
      read?.pass();
      fast.step({ checkFinite });
    }
    const stepMs: number[] = [];
    const floorMs: number[] = [];
    const readMs: number[] = [];
    const scanMs: number[] = [];
    const updateMs: number[] = [];
    const phases = { scanMs: 0, updateMs: 0 };
    for (let i = 0; i < rounds; i++) {
      floorMs.push(floor.pass() * scale);
      if (read) readMs.push(read.pass() * (set.size / read.elements));
      const t0 = performance.now();
      fast.step({ checkFinite, phases });
      stepMs.push(performance.now() - t0);
      scanMs.push(phases.scanMs);
      updateMs.push(phases.updateMs);
    }
    const ratios = stepMs.map((s, i) => s / floorMs[i]);
    const bound = read ? median(readMs.map((r, i) => (floorMs[i] + r) / floorMs[i])) : null;
    return { median: median(ratios), ratios, stepMs, floorMs, readMs: read ? readMs : null, bound, scanMs, updateMs };
  } finally {
    fast.dispose();
  }
}
