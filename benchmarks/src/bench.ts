import { availableParallelism, cpus, loadavg } from 'node:os';
import { floorMs, measureCopyBandwidth } from './bandwidth.js';
import { TOLERANCE, maxRelativeError } from './correctness.js';
import { benchData } from './data.js';
import { coreRunner, fastRunner, gpuJsWebasmRunner, type RunResult, type Runner } from './gcoptRunners.js';
import { BENCH_OPTIMIZERS, type BenchOptimizer } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import { runTfjs, useTfBackend, type TfBackend } from './tfjsBaseline.js';
import { median, type Schedule } from './timing.js';
import { runTorch, setupTorch, torchAvailable } from './torchRunner.js';

export interface BenchConfig {
  readonly sets: ParamSet[];
  readonly optimizers?: BenchOptimizer[];
  readonly schedule: Schedule;
  /** Threads for gcopt's threaded line and for torch.set_num_threads (default: all cores). */
  readonly threads?: number;
  readonly torch: boolean;
  /** Install python3-torch when missing (the setup step). */
  readonly setupTorch: boolean;
  /** tfjs backends to run, and on which sets / optimizers (slow backends are limited). */
  readonly tfjs: { backend: TfBackend; sets: string[]; optimizers?: string[] }[];
  /** MB copied for the bandwidth floor. */
  readonly copyMegabytes: number;
  /** Sets on which gcopt's gpu.js `webasm` path runs (≈ 0.3 s per 1M-parameter step). */
  readonly gpuJsSets?: string[];
  /** Skip the gcopt JS-fallback line on sets with more parameters than this. */
  readonly slowLinesUpTo?: number;
}

/** One implementation's line for one (set, optimizer). */
export interface Line {
  readonly set: string;
  readonly optimizer: string;
  readonly impl: string;
  readonly ms: number;
  /** Fastest timed step. */
  readonly minMs: number;
  readonly samples: number[];
  readonly gbPerS: number;
  readonly maxRelError: number;
  readonly correct: boolean;
  readonly detail?: string;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: { cores: number; cpu: string; node: string; loadavgAtStart: number[]; loadavg: number[] };
  /** Best of the copies (the floor's bandwidth) and their median. */
  readonly copyGbPerS: number;
  readonly copyMedianGbPerS: number;
  readonly torch: string;
  readonly tfjs: string[];
  readonly lines: Line[];
  readonly floors: { set: string; optimizer: string; params: number; bytes: number; floorMs: number }[];
  /** Best GB/s of each copy measurement, in order (before each set, and at the end). */
  readonly copyRuns: number[];
  readonly failures: string[];
  readonly notes: string[];
}

export const GCOPT_MAIN = 'gcopt wasm-simd threads';

export async function runBenchmark(config: BenchConfig, log: (line: string) => void = () => {}): Promise<BenchReport> {
  const threads = config.threads ?? availableParallelism();
  const optimizers = config.optimizers ?? BENCH_OPTIMIZERS;
  const notes: string[] = [];
  const failures: string[] = [];
  const lines: Line[] = [];
  const floors: BenchReport['floors'] = [];

  let torch = 'not run (--no-torch)';
  const loadAtStart = loadavg();
  if (config.torch) {
    if (config.setupTorch) log(setupTorch().log);
    const t = torchAvailable();
    if ('version' in t) torch = `torch ${t.version}`;
    else {
      torch = `MISSING (${t.missing})`;
      notes.push(`PyTorch baseline NOT RUN: ${t.missing}`);
      log(`!!! PyTorch is not available (${t.missing}): the PyTorch lines are NOT measured and NOT checked !!!`);
    }
  }

  // the floor is a property of the machine: measured before every set and at the end, best kept
  const copies: ReturnType<typeof measureCopyBandwidth>[] = [];
  const measureCopy = () => {
    const c = measureCopyBandwidth(config.copyMegabytes);
    copies.push(c);
    log(`copy (${config.copyMegabytes} MB): best ${c.gbPerS.toFixed(1)} GB/s, median ${c.medianGbPerS.toFixed(1)} GB/s`);
  };
  measureCopy();

  const gcoptRunners: Runner[] = [
    fastRunner(GCOPT_MAIN, { backend: 'wasm-simd', threads }),
    fastRunner('gcopt wasm-simd threads, no NaN check', { backend: 'wasm-simd', threads }, false),
    fastRunner('gcopt wasm-simd 1 thread', { backend: 'wasm-simd', threads: 1 }),
    fastRunner('gcopt js (fused fallback)', { backend: 'js' }),
  ];
  const tfjsVersions = new Set<string>();

  for (const set of config.sets) {
    log(`\n== ${set.name}: ${set.shapes.length} tensors, ${set.size.toLocaleString('en-US')} parameters`);
    const data = benchData(set);
    if (set !== config.sets[0]) measureCopy();
    const steps = config.schedule.warmup + config.schedule.reps;
    const slow = set.size <= (config.slowLinesUpTo ?? Infinity);

    let torchResults: ReturnType<typeof runTorch> | null = null;
    let torchOneThread: ReturnType<typeof runTorch> | null = null;
    if (config.torch && torch.startsWith('torch')) {
      log(`running PyTorch (${threads} threads) ...`);
      torchResults = runTorch(set, optimizers, data, config.schedule, threads);
      torch = `torch ${torchResults.version} (torch.get_num_threads() = ${torchResults.threads})`;
      if (threads > 1) {
        // also one thread: shows what the threads buy (or cost, on a loaded machine)
        log('running PyTorch (1 thread) ...');
        torchOneThread = runTorch(set, optimizers, data, config.schedule, 1);
      }
    }

    for (const opt of optimizers) {
      const bytes = opt.bytesPerParam * set.size;
      floors.push({ set: set.name, optimizer: opt.name, params: set.size, bytes, floorMs: 0 });
      // the reference: gcopt's core recipe path (always run: every other line is checked against it)
      const reference = await coreRunner.run(set, opt, data, config.schedule);
      const add = (impl: string, r: RunResult) => {
        const ms = median(r.samples);
        const err = maxRelativeError(r.final, reference.final);
        const correct = err <= TOLERANCE && r.samples.length === config.schedule.reps;
        if (!correct) failures.push(`${set.name}/${opt.name}/${impl}: max relative error ${err} > ${TOLERANCE} after ${steps} steps`);
        lines.push({ set: set.name, optimizer: opt.name, impl, ms, minMs: Math.min(...r.samples), samples: r.samples, gbPerS: bytes / (ms * 1e6), maxRelError: err, correct, detail: r.detail });
        log(`${set.name.padEnd(9)} ${opt.name.padEnd(11)} ${impl.padEnd(40)} ${ms.toFixed(2).padStart(9)} ms  err ${err.toExponential(1)}${correct ? '' : '  <-- WRONG'}`);
      };
      add(coreRunner.impl, reference);
      for (const runner of gcoptRunners) {
        if (!slow && runner.impl.startsWith('gcopt js')) continue; // minutes per step on the largest set
        add(runner.impl, await runner.run(set, opt, data, config.schedule));
      }
      if (config.gpuJsSets?.includes(set.name)) add(gpuJsWebasmRunner.impl, await gpuJsWebasmRunner.run(set, opt, data, config.schedule));
      const tr = torchResults?.results.get(opt.name);
      if (tr) add(opt.name === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference', tr);
      const tr1 = torchOneThread?.results.get(opt.name);
      if (tr1) add(`${opt.name === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference'}, 1 thread`, tr1);
      for (const tfjs of config.tfjs) {
        if (!tfjs.sets.includes(set.name) || (tfjs.optimizers && !tfjs.optimizers.includes(opt.name))) continue;
        tfjsVersions.add(await useTfBackend(tfjs.backend));
        add(`tfjs-${tfjs.backend} (tf ops + GC)`, await runTfjs(set, opt, data, config.schedule));
      }
    }
  }
  measureCopy();
  const copy = copies.reduce((best, c) => (c.gbPerS > best.gbPerS ? c : best));
  for (const f of floors) f.floorMs = floorMs(f.bytes, copy.gbPerS);
  return {
    date: new Date().toISOString(),
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart: loadAtStart, loadavg: loadavg() },
    copyGbPerS: copy.gbPerS,
    copyMedianGbPerS: copy.medianGbPerS,
    copyRuns: copies.map((c) => c.gbPerS),
    torch,
    tfjs: [...tfjsVersions],
    lines,
    floors,
    failures,
    notes,
  };
}


/** The ratios the goals are stated in, per (set, optimizer), plus the goal checks. */
export function ratios(report: BenchReport) {
  const ms = (set: string, optimizer: string, impl: string) => report.lines.find((l) => l.set === set && l.optimizer === optimizer && l.impl.startsWith(impl))?.ms;
  const out: Record<string, Record<string, number | null>> = {};
  for (const f of report.floors) {
    const g = ms(f.set, f.optimizer, GCOPT_MAIN);
    if (g === undefined) continue;
    const exact = (impl: string) => {
      const x = report.lines.find((l) => l.set === f.set && l.optimizer === f.optimizer && l.impl === impl)?.ms;
      return x === undefined ? null : x / g;
    };
    const over = (impl: string) => {
      const x = ms(f.set, f.optimizer, impl);
      return x === undefined ? null : x / g;
    };
    out[`${f.set}/${f.optimizer}`] = {
      gcoptMs: g,
      gpuJsWebasmOverGcopt: over('gcopt gpu.js webasm'),
      floorMs: f.floorMs,
      gcoptOverFloor: g / f.floorMs,
      torchOverGcopt: exact(f.optimizer === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference'),
      torchOneThreadOverGcopt: exact(`${f.optimizer === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference'}, 1 thread`),
      tfjsWasmOverGcopt: over('tfjs-wasm'),
      tfjsCpuOverGcopt: over('tfjs-cpu'),
      coreOverGcopt: over('gcopt core'),
      jsFallbackOverGcopt: over('gcopt js'),
      oneThreadOverGcopt: over('gcopt wasm-simd 1 thread'),
      noNanCheckOverGcopt: over('gcopt wasm-simd threads, no NaN check'),
    };
  }
  const adam = out['resnet50/Adam_GC'];
  const goal = (value: number | null | undefined, target: number, atMost: boolean) =>
    value === null || value === undefined ? { value: null, target, met: false } : { value, target, met: atMost ? value <= target : value >= target };
  const goals = adam
    ? {
        'resnet50/Adam_GC gcopt/floor ≤ 1.3': goal(adam.gcoptOverFloor, 1.3, true),
        'resnet50/Adam_GC torch/gcopt ≥ 1.6': goal(adam.torchOverGcopt, 1.6, false),
        'resnet50/Adam_GC tfjs-wasm/gcopt ≥ 5': goal(adam.tfjsWasmOverGcopt, 5, false),
      }
    : null;
  return { ratios: out, goals };
}
