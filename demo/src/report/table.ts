import type { MeanStd, OptimizerSummary } from './summary.js';

const pm = (m: MeanStd, digits: number, scale = 1) =>
  m.n > 1
    ? `${(m.mean * scale).toFixed(digits)} ± ${(m.std * scale).toFixed(digits)}`
    : (m.mean * scale).toFixed(digits);
/** `+0.12` / `−0.12` (a typographic minus); values that round to zero print as `+0.00`. */
const signed = (x: number, digits: number) => {
  const rounded = Number(x.toFixed(digits));
  return `${rounded >= 0 ? '+' : '−'}${Math.abs(rounded).toFixed(digits)}`;
};

/**
 * The results as a Markdown table (readable as-is in a terminal): final test accuracy, test loss and
 * training loss as mean ± std over seeds, wall time per run, and each GC variant against its
 * baseline seed by seed.
 */
export function resultsTable(summaries: readonly OptimizerSummary[]): string {
  const header = [
    '| optimizer | test accuracy % | test loss | train loss (last epoch) | wall s / run (CPU s) | vs baseline: Δ ' +
      'accuracy (pts) | Δ train loss |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  const rows = summaries.map((s) => {
    const v = s.versusBaseline;
    const spread = v && v.accuracyGain.n > 1 ? ` ± ${(v.accuracyGain.std * 100).toFixed(2)}` : '';
    const acc = v
      ? `${signed(v.accuracyGain.mean * 100, 2)}${spread} vs ${v.baseline} ` +
        `(higher in ${v.seedsWithHigherAccuracy}/${v.accuracyGain.n} seeds)`
      : '—';
    const loss = v
      ? `${signed(v.trainLossChange.mean, 4)} (lower in ${v.seedsWithLowerTrainLoss}/${v.trainLossChange.n} seeds)`
      : '—';
    return (
      `| ${s.label} | ${pm(s.testAccuracy, 2, 100)} | ${pm(s.testLoss, 4)} | ${pm(s.trainLoss, 4)} | ` +
      `${s.wallSeconds.mean.toFixed(1)} (${s.cpuSeconds.mean.toFixed(1)}) | ${acc} | ${loss} |`
    );
  });
  return [...header, ...rows].join('\n');
}

/**
 * One sentence per GC variant, in words: did it beat its baseline on final test accuracy in every
 * seed, lose in every seed, or neither? (With a handful of seeds "every seed" is consistency, not
 * statistical significance: the sentence says how many seeds.)
 */
export function verdicts(summaries: readonly OptimizerSummary[]): string[] {
  return summaries.flatMap((s) => {
    const v = s.versusBaseline;
    if (!v) return [];
    const n = v.accuracyGain.n;
    const gain =
      `${signed(v.accuracyGain.mean * 100, 2)} pts test accuracy, ${signed(v.trainLossChange.mean, 4)} ` + `train loss`;
    let words: string;
    if (n >= 2 && v.seedsWithHigherAccuracy === n) words = `GC helped in all ${n} seeds`;
    else if (n >= 2 && v.seedsWithHigherAccuracy === 0 && v.accuracyGain.mean < 0)
      words = `GC did worse in all ${n} seeds`;
    else if (n < 2) words = `one seed only: no conclusion`;
    else words = `no consistent difference (higher in ${v.seedsWithHigherAccuracy} of ${n} seeds)`;
    return [`${s.label} vs ${v.baseline}: ${gain} — ${words}.`];
  });
}
