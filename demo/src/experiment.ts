import type { Float32Backend } from '@gcopt/float32';
import type { DigitSet, MnistSplit } from '@gcopt/mnist-data';
import { batchesOf, epochOrder } from './batches.js';
import type { Backend, Evaluation } from './backend.js';
import { initialWeights } from './model/smallCnn.js';
import type { DemoOptimizer } from './optimizers.js';
import type { ProgressReporter } from './progress.js';

export interface EpochRecord {
  readonly epoch: number;
  /** Mean of the batch losses during the epoch (each measured before its step). */
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** Seconds since the run started, training and evaluation included. */
  readonly elapsedSeconds: number;
}

/** Mean batch loss over a window of batches, placed at its centre in (fractional) epochs. */
export interface CurvePoint {
  readonly epoch: number;
  readonly loss: number;
}

export interface RunResult {
  readonly optimizer: string;
  readonly seed: number;
  readonly initial: Evaluation;
  readonly epochs: readonly EpochRecord[];
  readonly curve: readonly CurvePoint[];
  /** Seconds of training and per-epoch evaluation, model setup excluded. */
  readonly wallSeconds: number;
  /**
   * CPU seconds of the whole process (all threads) over the same span: unlike wall time, not inflated by other load.
   */
  readonly cpuSeconds: number;
  /** What stepped the optimizer (the backend's TrainingRun.optimizerBackend), where the backend tells. */
  readonly optimizerBackend?: string;
}

export interface ExperimentPlan {
  readonly optimizers: readonly DemoOptimizer[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  /** Curve points per epoch (default 10). */
  readonly curvePointsPerEpoch?: number;
  /** @gcopt/float32's backend for the ort and js backends (undefined: its default). */
  readonly float32Backend?: Float32Backend;
}

/**
 * Trains every optimizer from every seed's initial weights on that seed's batch order, seed by seed
 * (so slow drift of the machine hits all optimizers alike), evaluating on the test digits after
 * each epoch.
 */
export async function runExperiment(
  plan: ExperimentPlan,
  data: MnistSplit,
  backend: Backend,
  progress: ProgressReporter,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  const batchesPerEpoch = Math.ceil(data.train.count / plan.batchSize);
  progress.begin(plan.seeds.length * plan.optimizers.length, plan.epochs, batchesPerEpoch);
  for (const seed of plan.seeds) {
    const weights = initialWeights(seed);
    const orders = Array.from({ length: plan.epochs }, (_, e) => epochOrder(data.train.count, seed, e + 1));
    for (const optimizer of plan.optimizers) {
      const bar = progress.startRun(`${optimizer.label} · seed ${seed}`, plan.epochs, batchesPerEpoch);
      const run = await backend.startRun({
        initialWeights: weights,
        optimizer,
        train: data.train,
        batchSize: plan.batchSize,
        ...(plan.float32Backend === undefined ? {} : { float32Backend: plan.float32Backend }),
      });
      try {
        results.push(await trainOneRun(run, plan, orders, data.test, optimizer.label, seed, bar));
      } finally {
        await run.dispose();
      }
    }
  }
  progress.finish();
  return results;
}

async function trainOneRun(
  run: Awaited<ReturnType<Backend['startRun']>>,
  plan: ExperimentPlan,
  orders: Uint32Array[],
  test: DigitSet,
  label: string,
  seed: number,
  bar: ReturnType<ProgressReporter['startRun']>,
): Promise<RunResult> {
  const initial = await run.evaluate(test);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const epochs: EpochRecord[] = [];
  const curve: CurvePoint[] = [];
  for (let e = 0; e < plan.epochs; e++) {
    const batches = batchesOf(orders[e], plan.batchSize);
    const window = Math.max(1, Math.ceil(batches.length / (plan.curvePointsPerEpoch ?? 10)));
    let epochSum = 0;
    let windowSum = 0;
    let windowStart = 0;
    for (let b = 0; b < batches.length; b++) {
      const loss = await run.trainBatch(batches[b]);
      if (!Number.isFinite(loss))
        throw new Error(`${label} seed ${seed}: the training loss became ${loss} at epoch ${e + 1}, batch ${b + 1}`);
      epochSum += loss;
      windowSum += loss;
      if (b + 1 - windowStart === window || b === batches.length - 1) {
        curve.push({ epoch: e + (windowStart + b + 1) / 2 / batches.length, loss: windowSum / (b + 1 - windowStart) });
        windowSum = 0;
        windowStart = b + 1;
      }
      bar.batchDone(e + 1, b + 1, loss);
    }
    const evaluation = await run.evaluate(test);
    const record: EpochRecord = {
      epoch: e + 1,
      trainLoss: epochSum / batches.length,
      testLoss: evaluation.loss,
      testAccuracy: evaluation.accuracy,
      elapsedSeconds: (performance.now() - started) / 1000,
    };
    epochs.push(record);
    bar.epochDone(record);
  }
  const cpu = process.cpuUsage(cpuStart);
  const result: RunResult = {
    optimizer: label,
    seed,
    initial,
    epochs,
    curve,
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    ...(run.optimizerBackend === undefined ? {} : { optimizerBackend: run.optimizerBackend }),
  };
  bar.runDone(result);
  return result;
}
