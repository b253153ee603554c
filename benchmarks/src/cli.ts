#!/usr/bin/env node
/**
 * `pnpm bench [--quick] [--sets 1M,resnet50,100M] [--no-torch] [--no-tfjs] [--threads N] [--markdown FILE]`
 *
 * Full: the 1M, ResNet-50 and 100M parameter sets, six optimizers, every gcopt CPU path, PyTorch
 * (same threads) and tfjs (cpu and wasm; the slow ones on the smaller sets). `--quick` (CI): the 1M
 * set only. Prints progress, markdown tables, and as its last line one JSON object with every
 * ratio. Exits 1 if any implementation's parameters disagree with gcopt's core path.
 */
import { writeFileSync } from 'node:fs';
import { runBenchmark, type BenchConfig } from './bench.js';
import { large100M, resnet50, small1M } from './paramSets.js';
import { jsonLine, markdown } from './report.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const quick = flag('--quick');
const config: BenchConfig = quick
  ? {
      sets: [small1M()],
      schedule: { warmup: 2, reps: 7 },
      threads: option('--threads') ? Number(option('--threads')) : undefined,
      torch: !flag('--no-torch'),
      setupTorch: !flag('--no-setup'),
      tfjs: flag('--no-tfjs') ? [] : [{ backend: 'wasm', sets: ['1M'] }, { backend: 'cpu', sets: ['1M'] }],
      copyMegabytes: 128,
      gpuJsSets: ['1M'],
    }
  : {
      sets: [small1M(), resnet50(), large100M()],
      schedule: { warmup: 2, reps: 7 },
      threads: option('--threads') ? Number(option('--threads')) : undefined,
      torch: !flag('--no-torch'),
      setupTorch: !flag('--no-setup'),
      tfjs: flag('--no-tfjs')
        ? []
        : [
            { backend: 'wasm', sets: ['1M', 'resnet50'] },
            // tfjs's cpu backend takes about a second per 1M-parameter step: 1M only
            { backend: 'cpu', sets: ['1M'] },
          ],
      copyMegabytes: 512,
      gpuJsSets: ['1M'],
      slowLinesUpTo: 30e6,
    };

// --sets 1M,resnet50: only these of the full run's sets
const only = option('--sets')?.split(',');
if (only) {
  const unknown = only.filter((name) => !config.sets.some((s) => s.name === name));
  if (unknown.length) throw new Error(`--sets: unknown set(s) ${unknown.join(', ')} (known: ${config.sets.map((s) => s.name).join(', ')})`);
  (config as { sets: typeof config.sets }).sets = config.sets.filter((s) => only.includes(s.name));
}

const report = await runBenchmark(config, (line) => console.error(line));
const md = markdown(report);
console.log(md);
const file = option('--markdown');
if (file) writeFileSync(file, `${md}\n`);
if (report.failures.length) {
  console.error(`\n!!! ${report.failures.length} implementation(s) computed WRONG parameters:\n${report.failures.join('\n')}`);
}
console.log(jsonLine(report));
process.exitCode = report.failures.length ? 1 : 0;
