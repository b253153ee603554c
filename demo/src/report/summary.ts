import type { RunResult } from '../experiment.js';
import type { DemoOptimizer } from '../optimizers.js';

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export interface MeanStd {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export interface OptimizerSummary {
  readonly label: string;
  readonly seeds: number;
  /** Of the last epoch. */
  readonly testAccuracy: MeanStd;
  readonly testLoss: MeanStd;
  /** Mean batch loss of the last epoch. */
  readonly trainLoss: MeanStd;
  /** Seconds per run. */
  readonly wallSeconds: MeanStd;
  /** Process CPU seconds per run. */
  readonly cpuSeconds: MeanStd;
  /** Per epoch (index 0 = epoch 1), means over seeds: what the plot draws. */
  readonly meanTrainLossByEpoch: readonly number[];
  readonly meanTestAccuracyByEpoch: readonly number[];
  /** Mean over seeds of the windowed batch-loss curve. */
  readonly meanCurve: readonly { epoch: number; loss: number }[];
  /** Against its non-GC baseline, seed by seed (same initial weights, same batches). */
  readonly versusBaseline?: {
    readonly baseline: string;
    readonly accuracyGain: MeanStd;
    readonly trainLossChange: MeanStd;
    readonly seedsWithHigherAccuracy: number;
    readonly seedsWithLowerTrainLoss: number;
  };
}

/** The last epoch's record; a run still in its first epoch (the web page's live plot) has none yet: NaNs. */
const NO_EPOCH = { testAccuracy: NaN, testLoss: NaN, trainLoss: NaN } as const;
const last = (xs: RunResult['epochs']) => xs[xs.length - 1] ?? NO_EPOCH;

export function summarize(results: readonly RunResult[], optimizers: readonly DemoOptimizer[]): OptimizerSummary[] {
  const byLabel = new Map<string, RunResult[]>();
  for (const r of results) byLabel.set(r.optimizer, [...(byLabel.get(r.optimizer) ?? []), r]);
  return optimizers
    .filter((o) => byLabel.has(o.label))
    .map((o) => {
      const runs = byLabel.get(o.label)!;
      const epochs = runs[0].epochs.length;
      const meanAt = (f: (r: RunResult) => number) => meanStd(runs.map(f)).mean;
      const summary: OptimizerSummary = {
        label: o.label,
        seeds: runs.length,
        testAccuracy: meanStd(runs.map((r) => last(r.epochs).testAccuracy)),
        testLoss: meanStd(runs.map((r) => last(r.epochs).testLoss)),
        trainLoss: meanStd(runs.map((r) => last(r.epochs).trainLoss)),
        wallSeconds: meanStd(runs.map((r) => r.wallSeconds)),
        cpuSeconds: meanStd(runs.map((r) => r.cpuSeconds)),
        meanTrainLossByEpoch: Array.from({ length: epochs }, (_, e) => meanAt((r) => r.epochs[e].trainLoss)),
        meanTestAccuracyByEpoch: Array.from({ length: epochs }, (_, e) => meanAt((r) => r.epochs[e].testAccuracy)),
        meanCurve: runs[0].curve.map((p, i) => ({ epoch: p.epoch, loss: meanAt((r) => r.curve[i].loss) })),
      };
      const baseRuns = o.baseline ? byLabel.get(o.baseline) : undefined;
      if (!o.baseline || !baseRuns) return summary;
      const pairs = runs
        .map((r) => [r, baseRuns.find((b) => b.seed === r.seed)] as const)
        .filter((p): p is readonly [RunResult, RunResult] => p[1] !== undefined);
      const accGain = pairs.map(([r, b]) => last(r.epochs).testAccuracy - last(b.epochs).testAccuracy);
      const lossChange = pairs.map(([r, b]) => last(r.epochs).trainLoss - last(b.epochs).trainLoss);
      return {
        ...summary,
        versusBaseline: {
          baseline: o.baseline,
          accuracyGain: meanStd(accGain),
          trainLossChange: meanStd(lossChange),
          seedsWithHigherAccuracy: accGain.filter((d) => d > 0).length,
          seedsWithLowerTrainLoss: lossChange.filter((d) => d < 0).length,
        },
      };
    });
}
