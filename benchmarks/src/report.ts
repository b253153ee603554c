import { median } from './timing.js';
import { GCOPT_MAIN, ratios, type BenchReport } from './bench.js';
import { TOLERANCE } from './correctness.js';

const fmt = (x: number, digits = 2) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(digits));
const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');

/** The results as markdown tables, one per parameter set, then the MLP and the goals. */
export function markdown(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`- date: ${report.date}`);
  out.push(
    `- machine: ${m.cores} cores (${m.cpu}), Node ${m.node}, last-level cache ${report.lastLevelCache / 2 ** 20} MiB`,
  );
  out.push(
    `- **load average (1/5/15 min)** at the start ${load(m.loadavgAtStart)}, at the end ${load(m.loadavg)} ` +
      `(above ${m.cores} = other processes competed for the cores)`,
  );
  out.push(`- threads: gcopt's threaded lines, the floor and torch.set_num_threads all use ${report.threads}`);
  out.push(`- PyTorch: ${report.torch}; tfjs: ${report.tfjs.join(', ') || 'not run'}`);
  if (report.notes.length) out.push(...report.notes.map((n) => `- **${n}**`));
  for (const set of [...new Set(report.lines.map((l) => l.set))]) {
    const params = report.floors.find((f) => f.set === set)!.params;
    out.push('', `### ${set} (${params.toLocaleString('en-US')} parameters)`, '');
    out.push(
      '| optimizer | implementation | ms/step (median) | fastest step (ms) | GB/s | × floor | × gcopt | ' +
        'max rel. error |',
    );
    out.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const optimizer of [...new Set(report.lines.filter((l) => l.set === set).map((l) => l.optimizer))]) {
      const f = report.floors.find((x) => x.set === set && x.optimizer === optimizer)!;
      const main = report.lines.find((l) => l.set === set && l.optimizer === optimizer && l.impl === GCOPT_MAIN);
      const bpp = f.bytes / params;
      out.push(
        `| ${optimizer} | *stream floor, ${bpp} B/param, ×${report.threads}* | ${fmt(f.floorMedianMs)} | ` +
          `${fmt(f.floorMs)} | ${fmt(f.medianGbPerS, 1)} | 1.00 | | |`,
      );
      if (report.threads > 1) {
        const gb = f.bytes / (f.oneThreadMedianMs * 1e6);
        out.push(
          `| ${optimizer} | *stream floor, ${bpp} B/param, ×1* | ${fmt(f.oneThreadMedianMs)} | ` +
            `${fmt(f.oneThreadMs)} | ${fmt(gb, 1)} | ${fmt(f.oneThreadMedianMs / f.floorMedianMs)} | | |`,
        );
      }
      if (f.paired) {
        const steps = median(f.paired.stepMs);
        out.push(
          `| ${optimizer} | ${GCOPT_MAIN}, paired with floor passes (${f.paired.ratios.length} rounds) | ` +
            `${fmt(steps)} | ${fmt(Math.min(...f.paired.stepMs))} | ${fmt(f.bytes / (steps * 1e6), 1)} | ` +
            `**${fmt(f.paired.median)}** | | |`,
        );
      }
      for (const l of report.lines.filter((x) => x.set === set && x.optimizer === optimizer)) {
        const vsMain = main ? fmt(l.ms / main.ms) : '';
        const name = l.impl === GCOPT_MAIN ? `**${l.impl}**` : l.impl;
        const err = l.correct ? l.maxRelError.toExponential(1) : `**${l.maxRelError.toExponential(1)} WRONG**`;
        out.push(
          `| ${optimizer} | ${name} | ${fmt(l.ms)} | ${fmt(l.minMs)} | ${fmt(l.gbPerS, 1)} | ` +
            `${fmt(l.ms / f.floorMedianMs)} | ${vsMain} | ${err} |`,
        );
      }
    }
  }
  if (report.mlp) {
    const mlp = report.mlp;
    out.push('', `### MLP 784-256-10, Adam_GC2 (${mlp.params.toLocaleString('en-US')} parameters)`, '');
    out.push('| implementation | ms/step (median) | × naive JS loop | max rel. error |', '|---|---:|---:|---:|');
    const naive = mlp.ms['naive JS loop'];
    for (const [k, v] of Object.entries(mlp.ms))
      out.push(`| ${k} | ${v.toFixed(3)} | ${fmt(v / naive)} | ${mlp.maxRelError[k].toExponential(1)} |`);
    const pair = mlp.poolVsOneThread;
    out.push(
      '',
      `Default threads against one thread, pair by pair (alternating steps): median ratio ${fmt(pair.medianRatio)}, ` +
        `slower in ${pair.slower} of ${pair.pairs} pairs (sign test p = ${pair.pValue.toPrecision(2)}: ` +
        `${pair.significantlySlower ? 'measurably slower' : 'not measurably slower'}).`,
    );
  }
  if (report.scaling) {
    out.push('', '### Scaling (Adam_GC, NaN check on, zero-copy)', '');
    out.push(
      '| what | parameters | threads | gcopt ms (median) | floor ms (median) | × floor | WebAssembly B/param | note |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---|');
    const f = (x: number | null, d = 2) => (x === null ? '–' : fmt(x, d));
    for (const l of report.scaling) {
      out.push(
        `| ${l.what} | ${l.params.toLocaleString('en-US')} | ${l.threads} | ${f(l.gcoptMs)} | ${f(l.floorMs)} | ` +
          `${f(l.overFloor)} | ${f(l.bytesPerParam, 1)} | ${l.note} |`,
      );
    }
    out.push(
      '',
      'The subnormal line compares the same step with subnormal against normal state ' +
        '(its "floor" column is the normal-state step).',
    );
  }
  const { goals } = ratios(report);
  out.push('', '### Goals', '', '| goal | measured | met |', '|---|---:|---|');
  for (const [name, g] of Object.entries(goals))
    out.push(`| ${name} | ${g.value === null ? 'not measured' : g.value.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`);
  out.push(
    '',
    `× floor is the median step over the median floor pass, except on the "paired" lines: there each ` +
      `round times a floor pass and then a step, and × floor is the median of the rounds' ratios (what the ` +
      `goals use: both sides of each ratio ran within milliseconds of each other). ` +
      `Correctness: every line's parameters after all ` +
      `its steps agree with the core recipe path to ${TOLERANCE} relative: ` +
      `${report.failures.length ? `**NO — ${report.failures.length} failures**` : 'yes'}.`,
  );
  return out.join('\n');
}

/** The one-line JSON summary a script reads (the last line of the output). */
export function jsonLine(report: BenchReport): string {
  const { ratios: r, goals } = ratios(report);
  return JSON.stringify({
    date: report.date,
    machine: report.machine,
    threads: report.threads,
    lastLevelCache: report.lastLevelCache,
    torch: report.torch,
    tfjs: report.tfjs,
    correct: report.failures.length === 0,
    failures: report.failures,
    notes: report.notes,
    goals,
    mlp: report.mlp,
    scaling: report.scaling,
    floors: report.floors,
    ratios: r,
  });
}
