import type { MeanStd, OptimizerSummary } from './summary.js';

const pm = (m: MeanStd, digits: number, scale = 1) =>
  m.n > 1 ? `${(m.mean * scale).toFixed(digits)} ± ${(m.std * scale).toFixed(digits)}` : (m.mean * scale).toFixed(digits);
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/**
 * The results as a Markdown table (readable as-is in a terminal): final test accuracy, test loss and
 * training loss as mean ± std over seeds, wall time per run, and each GC variant against its
 * baseline seed by seed.
 */
export function resultsTable(summaries: readonly OptimizerSummary[]): string {
  const header = [
    '| optimizer | test accuracy % | test loss | train loss (last epoch) | wall s / run (CPU s) | vs baseline: Δ accuracy (pts) | Δ train loss |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  const rows = summaries.map((s) => {
    const v = s.versusBaseline;
    const acc = v
      ? `${signed(v.accuracyGain.mean * 100, 2)}${v.accuracyGain.n > 1 ? ` ± ${(v.accuracyGain.std * 100).toFixed(2)}` : ''} vs ${v.baseline} (higher in ${v.seedsWithHigherAccuracy}/${v.accuracyGain.n} seeds)`
      : '—';
    const loss = v
      ? `${signed(v.trainLossChange.mean, 4)} (lower in ${v.seedsWithLowerTrainLoss}/${v.trainLossChange.n} seeds)`
      : '—';
    return `| ${s.label} | ${pm(s.testAccuracy, 2, 100)} | ${pm(s.testLoss, 4)} | ${pm(s.trainLoss, 4)} | ${s.wallSeconds.mean.toFixed(1)} (${s.cpuSeconds.mean.toFixed(1)}) | ${acc} | ${loss} |`;
  });
  return [...header, ...rows].join('\n');
}
