import { GCOPT_MAIN, ratios, type BenchReport } from './bench.js';
import { TOLERANCE } from './correctness.js';

const fmt = (x: number, digits = 2) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(digits));

/** The results as markdown tables, one per parameter set. */
export function markdown(report: BenchReport): string {
  const out: string[] = [];
  out.push(`- date: ${report.date}`);
  out.push(`- machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}, load average (1/5/15 min) at the start ${report.machine.loadavgAtStart.map((x) => x.toFixed(2)).join(' / ')}, at the end ${report.machine.loadavg.map((x) => x.toFixed(2)).join(' / ')}`);
  out.push(`- copy bandwidth (Float32Array.set of a large array, read + write): best **${report.copyGbPerS.toFixed(1)} GB/s** (the floor uses it; best copy of each measurement, before each set and at the end: ${report.copyRuns.map((x) => x.toFixed(1)).join(', ')} GB/s), median of that measurement ${report.copyMedianGbPerS.toFixed(1)} GB/s`);
  out.push(`- PyTorch: ${report.torch}; tfjs: ${report.tfjs.join(', ') || 'not run'}`);
  if (report.notes.length) out.push(...report.notes.map((n) => `- **${n}**`));
  for (const set of [...new Set(report.lines.map((l) => l.set))]) {
    const params = report.floors.find((f) => f.set === set)!.params;
    out.push('', `### ${set} (${params.toLocaleString('en-US')} parameters)`, '');
    out.push('| optimizer | implementation | ms/step (median) | fastest step (ms) | GB/s | × floor | × gcopt | max rel. error |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const optimizer of [...new Set(report.lines.filter((l) => l.set === set).map((l) => l.optimizer))]) {
      const floor = report.floors.find((f) => f.set === set && f.optimizer === optimizer)!;
      const main = report.lines.find((l) => l.set === set && l.optimizer === optimizer && l.impl === GCOPT_MAIN);
      out.push(`| ${optimizer} | *bandwidth floor (${floor.bytes / params} B/param)* | ${fmt(floor.floorMs)} | | ${report.copyGbPerS.toFixed(1)} | 1.00 | | |`);
      for (const l of report.lines.filter((x) => x.set === set && x.optimizer === optimizer)) {
        const vsMain = main ? fmt(l.ms / main.ms) : '';
        out.push(
          `| ${optimizer} | ${l.impl === GCOPT_MAIN ? `**${l.impl}**` : l.impl} | ${fmt(l.ms)} | ${fmt(l.minMs)} | ${fmt(l.gbPerS, 1)} | ${fmt(l.ms / floor.floorMs)} | ${vsMain} | ${l.correct ? l.maxRelError.toExponential(1) : `**${l.maxRelError.toExponential(1)} WRONG**`} |`,
        );
      }
    }
  }
  const { goals } = ratios(report);
  if (goals) {
    out.push('', '### Goals (ResNet-50, Adam_GC)', '', '| goal | measured | met |', '|---|---:|---|');
    for (const [name, g] of Object.entries(goals)) out.push(`| ${name} | ${g.value === null ? 'not measured' : g.value.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`);
  }
  out.push('', `Correctness: every line's parameters after all its steps agree with the core recipe path to ${TOLERANCE} relative: ${report.failures.length ? `**NO — ${report.failures.length} failures**` : 'yes'}.`);
  return out.join('\n');
}

/** The one-line JSON summary a script reads (the last line of the output). */
export function jsonLine(report: BenchReport): string {
  const { ratios: r, goals } = ratios(report);
  return JSON.stringify({
    date: report.date,
    machine: report.machine,
    copyGbPerS: report.copyGbPerS,
    copyMedianGbPerS: report.copyMedianGbPerS,
    copyRuns: report.copyRuns,
    torch: report.torch,
    tfjs: report.tfjs,
    correct: report.failures.length === 0,
    failures: report.failures,
    notes: report.notes,
    ratios: r,
    goals,
  });
}
