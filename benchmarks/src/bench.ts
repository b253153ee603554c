import { availableParallelism, cpus, loadavg } from 'node:os';
import { TOLERANCE, maxRelativeError } from './correctness.js';
import { benchData } from './data.js';
import { coreRunner, fastRunner, gpuJsWebasmRunner, type RunResult, type Runner } from './gcoptRunners.js';
import { BENCH_OPTIMIZERS, type BenchOptimizer } from './optimizers.js';
import { runMlp, type MlpConfig, type MlpReport } from './mlp.js';
import { resnet50, type ParamSet } from './paramSets.js';
import { runScaling, type ScalingLine } from './scaling.js';
import { FLOOR_BYTES, lastLevelCacheBytes, StreamFloor, type FloorPattern, type FloorResult } from './streamFloor.js';
import { runTfjs, useTfBackend, type TfBackend } from './tfjsBaseline.js';
import { pairedRatio, type PairedRatio } from './pairedRatio.js';
import { collectGarbage } from './collectGarbage.js';
import { median, type Schedule } from './timing.js';
import { runTorch, setupTorch, torchAvailable } from './torchRunner.js';

export interface BenchConfig {
  readonly sets: ParamSet[];
  readonly optimizers?: BenchOptimizer[];
  /** Per set name: only these optimizers there (default: all). */
  readonly setOptimizers?: Record<string, string[]>;
  readonly schedule: Schedule;
  /** Threads for gcopt's threaded line, the floor and torch.set_num_threads (default: all cores). */
  readonly threads?: number;
  readonly torch: boolean;
  /** Install python3-torch when missing (the setup step). */
  readonly setupTorch: boolean;
  /** tfjs backends to run, and on which sets / optimizers (slow backends are limited). */
  readonly tfjs: { backend: TfBackend; sets: string[]; optimizers?: string[] }[];
  /** Timed passes of the stream floor (best and median reported; default 11). */
  readonly floorReps?: number;
  /**
   * Rounds of a floor pass then a step of the main line, each its own ratio (default 31; 0: none): the
   * 2-core VM's memory speed moves within seconds (floor passes of 12 and 17 ms in one run of 11 rounds),
   * so the median needs more rounds than the floor's own passes.
   */
  readonly pairedRounds?: number;
  /** Sets on which gcopt's gpu.js `webasm` path runs (≈ 0.3 s per 1M-parameter step). */
  readonly gpuJsSets?: string[];
  /** Skip the gcopt JS-fallback line on sets with more parameters than this. */
  readonly slowLinesUpTo?: number;
  /** Run the MLP section (784-256-10 through @gcopt/float32 against a naive JS loop). */
  readonly mlp?: MlpConfig | false;
  /** Thread scaling 1…threads on ResNet-50, these sizes on all threads, subnormal state (Adam_GC). */
  readonly scaling?: { sizes: number[]; schedule: Schedule } | false;
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

/** The stream floor of one (set, optimizer): the optimizer's access pattern over the set's parameter count. */
export interface Floor {
  readonly set: string;
  readonly optimizer: string;
  readonly params: number;
  /** DRAM bytes of one step (bytesPerParam × params). */
  readonly bytes: number;
  readonly pattern: FloorPattern;
  /** At gcopt's thread count: best and median ms for the set's bytes. */
  readonly floorMs: number;
  readonly floorMedianMs: number;
  readonly gbPerS: number;
  readonly medianGbPerS: number;
  /** The same on one thread. */
  readonly oneThreadMs: number;
  readonly oneThreadMedianMs: number;
  /** Elements per array the floor streamed (≥ params, ≥ 4× the last-level cache in all). */
  readonly elements: number;
  /** The main line's step over the floor pass in alternating rounds (pairedRatio.ts): median, each round. */
  readonly paired: PairedRatio | null;
  /**
   * With paired rounds of an Adam optimizer: the median ms of the `sqrtDiv` pass (a square root and a
   * division per element, in L1, the same threads) for the set's parameter count — what an Adam step's
   * arithmetic cannot go below, beside the floor, which is what its memory traffic cannot go below.
   */
  readonly sqrtDivMs: number | null;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: { cores: number; cpu: string; node: string; loadavgAtStart: number[]; loadavg: number[] };
  readonly threads: number;
  /** Bytes of the largest cache (sysfs), the floor's arrays are at least 4× it. */
  readonly lastLevelCache: number;
  readonly torch: string;
  readonly tfjs: string[];
  readonly lines: Line[];
  readonly floors: Floor[];
  readonly mlp: MlpReport | null;
  readonly scaling: ScalingLine[] | null;
  readonly failures: string[];
  readonly notes: string[];
}

export const GCOPT_MAIN = 'gcopt wasm-simd threads';
export const GCOPT_ONE_THREAD = 'gcopt wasm-simd 1 thread';
export const GCOPT_COPY_IN = 'gcopt wasm-simd threads, gradients copied in';
export const TORCH_FOREACH = 'PyTorch foreach';

export async function runBenchmark(config: BenchConfig, log: (line: string) => void = () => {}): Promise<BenchReport> {
  const threads = config.threads ?? availableParallelism();
  const allOptimizers = config.optimizers ?? BENCH_OPTIMIZERS;
  const notes: string[] = [];
  const failures: string[] = [];
  const lines: Line[] = [];
  const floors: Floor[] = [];
  const loadAtStart = loadavg();
  log(
    `load average at the start: ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')} (${availableParallelism()} cores)`,
  );

  let torch = 'not run (--no-torch)';
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
  let llc = lastLevelCacheBytes();
  if (llc === null) {
    llc = 32 * 1024 * 1024;
    notes.push('last-level cache size unreadable: the floor assumed 32 MiB');
  }
  if (!collectGarbage()) notes.push('no garbage collection on demand: timed sections may inherit earlier garbage');

  const gcoptRunners: Runner[] = [
    fastRunner(GCOPT_MAIN, { backend: 'wasm-simd', threads }),
    fastRunner(GCOPT_COPY_IN, { backend: 'wasm-simd', threads }, true, true),
    fastRunner('gcopt wasm-simd threads, no NaN check', { backend: 'wasm-simd', threads }, false),
    fastRunner(GCOPT_ONE_THREAD, { backend: 'wasm-simd', threads: 1 }),
    fastRunner('gcopt js (fused fallback)', { backend: 'js' }),
  ];
  const tfjsVersions = new Set<string>();

  for (const set of config.sets) {
    const only = config.setOptimizers?.[set.name];
    const optimizers = only ? allOptimizers.filter((o) => only.includes(o.name)) : allOptimizers;
    log(`\n== ${set.name}: ${set.shapes.length} tensors, ${set.size.toLocaleString('en-US')} parameters`);
    const data = benchData(set);
    const steps = config.schedule.warmup + config.schedule.reps;
    const slow = set.size <= (config.slowLinesUpTo ?? Infinity);
    // the PyTorch and tfjs baselines centre along axis 0 (PyTorch layout) only
    const pytorchLayout = set.outAxes === undefined;

    // the floor: the same pool and thread count, every access pattern this set's optimizers need
    const stream = await StreamFloor.create(set.size, llc);
    const measured = new Map<string, FloorResult>();
    collectGarbage(); // the previous set's garbage
    for (const pattern of new Set(optimizers.map((o) => o.floor))) {
      for (const t of new Set([threads, 1])) {
        const r = stream.measure(pattern, t, config.floorReps ?? 11);
        measured.set(`${pattern}/${t}`, r);
        log(
          `floor ${pattern} (${FLOOR_BYTES[pattern]} B/param) ×${t}: best ${r.bestGbPerS.toFixed(1)} GB/s, ` +
            `median ${r.medianGbPerS.toFixed(1)} GB/s over ${r.elements.toLocaleString('en-US')} elements`,
        );
      }
    }

    let torchResults: ReturnType<typeof runTorch> | null = null;
    let torchOneThread: ReturnType<typeof runTorch> | null = null;
    if (config.torch && torch.startsWith('torch') && pytorchLayout) {
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
      const at = measured.get(`${opt.floor}/${threads}`)!;
      const one = measured.get(`${opt.floor}/1`)!;
      const scale = set.size / at.elements; // the floor streamed at least the set's elements
      const floor = {
        set: set.name,
        optimizer: opt.name,
        params: set.size,
        bytes,
        pattern: opt.floor,
        floorMs: at.bestMs * scale,
        floorMedianMs: at.medianMs * scale,
        gbPerS: at.bestGbPerS,
        medianGbPerS: at.medianGbPerS,
        oneThreadMs: one.bestMs * scale,
        oneThreadMedianMs: one.medianMs * scale,
        elements: at.elements,
      };
      // the reference: gcopt's core recipe path (always run: every other line is checked against it)
      const reference = await coreRunner.run(set, opt, data, config.schedule);
      const add = (impl: string, r: RunResult) => {
        const ms = median(r.samples);
        const err = maxRelativeError(r.final, reference.final);
        const correct = err <= TOLERANCE && r.samples.length === config.schedule.reps;
        if (!correct)
          failures.push(
            `${set.name}/${opt.name}/${impl}: max relative error ${err} > ${TOLERANCE} after ${steps} steps`,
          );
        lines.push({
          set: set.name,
          optimizer: opt.name,
          impl,
          ms,
          minMs: Math.min(...r.samples),
          samples: r.samples,
          gbPerS: bytes / (ms * 1e6),
          maxRelError: err,
          correct,
          detail: r.detail,
        });
        log(
          `${set.name.padEnd(9)} ${opt.name.padEnd(11)} ${impl.padEnd(40)} ${ms.toFixed(2).padStart(9)} ms  ` +
            `err ${err.toExponential(1)}${correct ? '' : '  <-- WRONG'}`,
        );
      };
      add(coreRunner.impl, reference);
      for (const runner of gcoptRunners) {
        if (!slow && runner.impl.startsWith('gcopt js')) continue; // minutes per step on the largest set
        add(runner.impl, await runner.run(set, opt, data, config.schedule));
      }
      const rounds = config.pairedRounds ?? 31;
      let paired: Floor['paired'] = null;
      let sqrtDivMs: number | null = null;
      if (rounds > 0) {
        const options = { backend: 'wasm-simd', threads } as const;
        // the step reads every gradient twice (the scan, then the update): a read pass of g bounds it
        const read = stream.session('gradientRead', threads);
        paired = await pairedRatio(set, opt, data, stream.session(opt.floor, threads), read, options, {
          warmup: config.schedule.warmup,
          rounds,
          checkFinite: true,
        });
        log(
          `${set.name.padEnd(9)} ${opt.name.padEnd(11)} ` +
            `${`${GCOPT_MAIN} / floor, ${rounds} paired rounds`.padEnd(40)} ` +
            `${paired.median.toFixed(2).padStart(9)} ×  (rounds ${paired.ratios.map((r) => r.toFixed(2)).join(' ')})` +
            `; bound (floor + a read of g) / floor ${paired.bound?.toFixed(2)}`,
        );
        // Adam's square roots and divisions alone: the median of 11 passes, scaled to the set
        if (opt.floor === 'adam') sqrtDivMs = median(stream.passes('sqrtDiv', threads, 11)) * scale;
        const ms = (xs: number[] | null) => (xs ? median(xs).toFixed(2) : '–');
        const arithmetic =
          sqrtDivMs === null ? '' : `; a square root and a division per element, in L1: ${sqrtDivMs.toFixed(2)}`;
        log(
          `${''.padEnd(22)}medians: step ${ms(paired.stepMs)} ms = scan ${ms(paired.scanMs)} ` +
            `(read pass of g ${ms(paired.readMs)}) + update ${ms(paired.updateMs)} (floor pass ${ms(paired.floorMs)}` +
            `${arithmetic})`,
        );
      }
      floors.push({ ...floor, paired, sqrtDivMs });
      if (config.gpuJsSets?.includes(set.name))
        add(gpuJsWebasmRunner.impl, await gpuJsWebasmRunner.run(set, opt, data, config.schedule));
      const torchName = opt.name === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference';
      for (const [results, suffix] of [
        [torchResults, ''],
        [torchOneThread, ', 1 thread'],
      ] as const) {
        const tr = results?.results.get(opt.name);
        if (tr) add(`${torchName}${suffix}`, tr);
        const tf = results?.results.get(`${opt.name} foreach`);
        if (tf)
          add(
            `${TORCH_FOREACH} (torch.optim.Adam(foreach=True)` +
              `${opt.centralizes ? ' + GC by _foreach_sub' : ''})${suffix}`,
            tf,
          );
      }
      for (const tfjs of config.tfjs) {
        if (!pytorchLayout || !tfjs.sets.includes(set.name) || (tfjs.optimizers && !tfjs.optimizers.includes(opt.name)))
          continue;
        tfjsVersions.add(await useTfBackend(tfjs.backend));
        add(`tfjs-${tfjs.backend} (tf ops + GC)`, await runTfjs(set, opt, data, config.schedule));
      }
    }
    stream.close(); // the floor's worker threads (its memory goes with the next collection)
  }
  let mlp: MlpReport | null = null;
  if (config.mlp) {
    log('\n== MLP 784-256-10 (Adam_GC2) through @gcopt/float32');
    mlp = await runMlp(config.mlp, threads, log);
    if (!mlp.correct) failures.push(...mlp.failures);
  }
  let scaling: ScalingLine[] | null = null;
  if (config.scaling) {
    log('\n== scaling (Adam_GC, fast path against the stream floor)');
    scaling = await runScaling(threads, config.scaling.sizes, resnet50(), llc, config.scaling.schedule, log);
  }
  const loadAtEnd = loadavg();
  log(`load average at the end: ${loadAtEnd.map((x) => x.toFixed(2)).join(' / ')}`);
  return {
    date: new Date().toISOString(),
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavgAtStart: loadAtStart,
      loadavg: loadAtEnd,
    },
    threads,
    lastLevelCache: llc,
    torch,
    tfjs: [...tfjsVersions],
    lines,
    floors,
    mlp,
    scaling,
    failures,
    notes,
  };
}

/** The ratios the issue's goals are stated in, per (set, optimizer), plus the goal checks. */
export function ratios(report: BenchReport) {
  const line = (set: string, optimizer: string, match: (impl: string) => boolean) =>
    report.lines.find((l) => l.set === set && l.optimizer === optimizer && match(l.impl));
  const out: Record<string, Record<string, number | null>> = {};
  for (const f of report.floors) {
    const main = line(f.set, f.optimizer, (i) => i === GCOPT_MAIN);
    if (main === undefined) continue;
    const g = main.ms;
    const ms = (match: (impl: string) => boolean) => line(f.set, f.optimizer, match)?.ms ?? null;
    const over = (x: number | null, y: number | null) => (x === null || y === null ? null : x / y);
    const one = ms((i) => i === GCOPT_ONE_THREAD);
    const torchForeach = ms((i) => i.startsWith(TORCH_FOREACH) && !i.endsWith(', 1 thread'));
    const torchForeachOne = ms((i) => i.startsWith(TORCH_FOREACH) && i.endsWith(', 1 thread'));
    const torchName = f.optimizer === 'Adam' ? 'torch.optim.Adam' : 'PyTorch per-tensor reference';
    const tfjsWasm = ms((i) => i.startsWith('tfjs-wasm'));
    out[`${f.set}/${f.optimizer}`] = {
      threads: report.threads,
      gcoptMs: g,
      gcoptBestMs: main.minMs,
      floorMedianMs: f.floorMedianMs,
      floorBestMs: f.floorMs,
      floorGbPerS: f.gbPerS,
      gcoptOverFloor: g / f.floorMedianMs, // median over median, timed apart
      gcoptOverFloorPaired: f.paired?.median ?? null, // median of the rounds' ratios
      // the least a step that reads g twice can be over the floor here (median of the rounds)
      readBoundOverFloorPaired: f.paired?.bound ?? null,
      // what the paired rounds' two sides took (medians): how fast memory was in them
      floorMsPaired: f.paired ? median(f.paired.floorMs) : null,
      stepMsPaired: f.paired ? median(f.paired.stepMs) : null,
      // and the step's two phases beside what bounds each: the scan beside a read pass of g, the update
      // beside the floor pass
      readMsPaired: f.paired?.readMs ? median(f.paired.readMs) : null,
      scanMsPaired: f.paired ? median(f.paired.scanMs) : null,
      updateMsPaired: f.paired ? median(f.paired.updateMs) : null,
      sqrtDivMs: f.sqrtDivMs,
      gcoptBestOverFloorBest: main.minMs / f.floorMs,
      copyInOverFloor: over(
        ms((i) => i === GCOPT_COPY_IN),
        f.floorMedianMs,
      ),
      oneThreadOverFloorOneThread: over(one, f.oneThreadMedianMs),
      torchForeachOverGcopt: over(torchForeach, g),
      torchForeachOneThreadOverGcoptOneThread: over(torchForeachOne, one),
      torchOverGcopt: over(
        ms((i) => i === torchName),
        g,
      ),
      torchOneThreadOverGcoptOneThread: over(
        ms((i) => i === `${torchName}, 1 thread`),
        one,
      ),
      tfjsWasmOverGcoptOneThread: over(tfjsWasm, one), // tfjs-wasm runs one thread in Node
      tfjsWasmOverGcopt: over(tfjsWasm, g),
      tfjsCpuOverGcopt: over(
        ms((i) => i.startsWith('tfjs-cpu')),
        g,
      ),
      gpuJsWebasmOverGcopt: over(
        ms((i) => i.startsWith('gcopt gpu.js webasm')),
        g,
      ),
      coreOverGcopt: over(
        ms((i) => i.startsWith('gcopt core')),
        g,
      ),
      jsFallbackOverGcopt: over(
        ms((i) => i.startsWith('gcopt js')),
        g,
      ),
      oneThreadOverGcopt: over(one, g),
      noNanCheckOverGcopt: over(
        ms((i) => i === 'gcopt wasm-simd threads, no NaN check'),
        g,
      ),
      copyInOverGcopt: over(
        ms((i) => i === GCOPT_COPY_IN),
        g,
      ),
    };
  }
  // `context`, for the floor goals: `bound`, the least the value can be on this machine for a step that
  // checks every gradient before writing anything (floor + one read pass of g, over the floor, paired
  // rounds); the medians (ms) of the rounds' floor passes and steps — on this VM a set's floor pass ranged
  // 6–19 ms between runs while its step followed only part of the way — and of the step's two phases
  // beside what bounds each (scan: a read pass of g; update: the floor pass, and Adam's square roots and
  // divisions alone, `sqrtDivMs`)
  type Context = Record<'bound' | 'floorMs' | 'stepMs' | 'readMs' | 'scanMs' | 'updateMs' | 'sqrtDivMs', number | null>;
  const goal = (value: number | null | undefined, target: number, atMost: boolean, context?: Context) => {
    const measured =
      value === null || value === undefined
        ? { value: null, target, met: false }
        : { value, target, met: atMost ? value <= target : value >= target };
    return context === undefined ? measured : { ...measured, ...context };
  };
  const context = (r: Record<string, number | null> | undefined): Context => ({
    bound: r?.readBoundOverFloorPaired ?? null,
    floorMs: r?.floorMsPaired ?? null,
    stepMs: r?.stepMsPaired ?? null,
    readMs: r?.readMsPaired ?? null,
    scanMs: r?.scanMsPaired ?? null,
    updateMs: r?.updateMsPaired ?? null,
    sqrtDivMs: r?.sqrtDivMs ?? null,
  });
  const cf = out['resnet50/Adam_GC'];
  const tf = out['resnet50-tfjs/Adam_GC'];
  const mlp = report.mlp;
  const goals = {
    'resnet50/Adam_GC gcopt/floor ≤ 1.25 (channels-first, NaN check on, zero-copy; paired rounds)': goal(
      cf?.gcoptOverFloorPaired,
      1.25,
      true,
      context(cf),
    ),
    'resnet50-tfjs/Adam_GC gcopt/floor ≤ 1.35 (output axis last; paired rounds)': goal(
      tf?.gcoptOverFloorPaired,
      1.35,
      true,
      context(tf),
    ),
    'resnet50/Adam_GC torch foreach/gcopt ≥ 2 (same threads)': goal(cf?.torchForeachOverGcopt, 2, false),
    'resnet50/Adam_GC tfjs-wasm/gcopt ≥ 5 (1 thread each)': goal(cf?.tfjsWasmOverGcoptOneThread, 5, false),
    'mlp/Adam_GC2 @gcopt/float32 (default backend) / naive JS loop ≤ 0.5': goal(mlp?.float32OverNaive, 0.5, true),
    // two configurations alike: "slower" is a sign test over the alternating pairs of steps (signTest.ts)
    'mlp/Adam_GC2 fast path, default threads not slower than 1 thread (paired steps: median ratio; sign test, 5 %)': mlp
      ? { value: mlp.poolVsOneThread.medianRatio, target: 1, met: !mlp.poolVsOneThread.significantlySlower }
      : { value: null, target: 1, met: false },
  };
  return { ratios: out, goals };
}
