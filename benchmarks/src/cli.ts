#!/usr/bin/env node
/**
 * `pnpm bench [--quick] [--sets 1M,resnet50,100M] [--no-torch] [--no-tfjs] [--threads N] [--markdown FILE]`
 *
 * Full: the 1M, ResNet-50 (PyTorch and tfjs layout) and 100M parameter sets, six optimizers, every
 * gcopt CPU path, the stream floor (same pool, same threads), PyTorch (same threads; per-tensor and
 * foreach) and tfjs (cpu and wasm; the slow ones on the smaller sets), the 784-256-10 MLP through
 * @gcopt/float32, scaling (threads, sizes to 300·2^20, subnormal state). `--quick`: the 1M set,
 * Adam_GC on both ResNet-50 layouts and the MLP: every goal. `--scaling-only [--sizes 1,10]`. Prints
 * progress, markdown tables, and as its last line one JSON object with every ratio. Exits 1 if any
 * implementation's parameters disagree with gcopt's core path.
 */
import { writeFileSync } from 'node:fs';
import { runBenchmark, type BenchConfig } from './bench.js';
import { large100M, resnet50, small1M, tfjsLayout } from './paramSets.js';
import { jsonLine, markdown } from './report.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const quick = flag('--quick');
const threads = option('--threads') ? Number(option('--threads')) : undefined;
const rn50 = resnet50();
const config: BenchConfig = quick
  ? {
      // every goal ratio of the issue, on the sets and optimizers the goals name
      sets: [small1M(), rn50, tfjsLayout(rn50)],
      setOptimizers: { resnet50: ['Adam_GC'], 'resnet50-tfjs': ['Adam_GC'] },
      schedule: { warmup: 2, reps: 7 },
      threads,
      torch: !flag('--no-torch'),
      setupTorch: !flag('--no-setup'),
      tfjs: flag('--no-tfjs')
        ? []
        : [
            { backend: 'wasm', sets: ['1M', 'resnet50'] },
            { backend: 'cpu', sets: ['1M'] },
          ],
      floorReps: 7,
      slowLinesUpTo: 2e6,
      mlp: { warmup: 20, reps: 51 },
    }
  : {
      sets: [small1M(), rn50, tfjsLayout(rn50), large100M()],
      schedule: { warmup: 2, reps: 7 },
      threads,
      torch: !flag('--no-torch'),
      setupTorch: !flag('--no-setup'),
      tfjs: flag('--no-tfjs')
        ? []
        : [
            { backend: 'wasm', sets: ['1M', 'resnet50'] },
            // tfjs's cpu backend takes about a second per 1M-parameter step: 1M only
            { backend: 'cpu', sets: ['1M'] },
          ],
      gpuJsSets: ['1M'],
      slowLinesUpTo: 30e6,
      mlp: { warmup: 20, reps: 101 },
      scaling: { sizes: [1, 10, 100, 300].map((m) => m * 2 ** 20), schedule: { warmup: 2, reps: 7 } },
    };
if (flag('--scaling-only')) {
  // only the scaling section (`--sizes 1,10` in units of 2^20 parameters)
  const sizes = (option('--sizes') ?? '1,10,100,300').split(',').map((m) => Number(m) * 2 ** 20);
  Object.assign(config, { sets: [], mlp: false, torch: false, scaling: { sizes, schedule: { warmup: 2, reps: 7 } } });
}

// --sets 1M,resnet50: only these of the full run's sets
const only = option('--sets')?.split(',');
if (only) {
  const unknown = only.filter((name) => !config.sets.some((s) => s.name === name));
  if (unknown.length)
    throw new Error(
      `--sets: unknown set(s) ${unknown.join(', ')} (known: ${config.sets.map((s) => s.name).join(', ')})`,
    );
  (config as { sets: typeof config.sets }).sets = config.sets.filter((s) => only.includes(s.name));
}

const report = await runBenchmark(config, (line) => console.error(line));
const md = markdown(report);
console.log(md);
const file = option('--markdown');
if (file) writeFileSync(file, `${md}\n`);
if (report.failures.length) {
  console.error(
    `\n!!! ${report.failures.length} implementation(s) computed WRONG parameters:\n${report.failures.join('\n')}`,
  );
}
console.log(jsonLine(report));
process.exitCode = report.failures.length ? 1 : 0;
