import type { OptimizerSummary } from '@gcopt/demo/browser';

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The final table as HTML rows: test accuracy, test loss, last-epoch training loss, time, and GC vs its baseline. */
export function resultsTableHtml(summaries: readonly OptimizerSummary[]): string {
  const head =
    '<tr><th>optimizer</th><th>test accuracy</th><th>test loss</th><th>train loss</th>' +
    '<th>seconds</th><th>vs baseline</th></tr>';
  const rows = summaries.map((s) => {
    const v = s.versusBaseline;
    const gain = v
      ? `${v.accuracyGain.mean >= 0 ? '+' : ''}${(100 * v.accuracyGain.mean).toFixed(2)} pts vs ${v.baseline}`
      : '—';
    return (
      `<tr><td>${s.label}</td><td>${pct(s.testAccuracy.mean)}</td><td>${s.testLoss.mean.toFixed(4)}</td>` +
      `<td>${s.trainLoss.mean.toFixed(4)}</td><td>${s.wallSeconds.mean.toFixed(1)}</td><td>${gain}</td></tr>`
    );
  });
  return `<table>${head}${rows.join('')}</table>`;
}
