import type { MnistSplit } from '@gcopt/mnist-data';
import {
  batchesOf,
  epochOrder,
  initialWeights,
  type CurvePoint,
  type DemoOptimizer,
  type EpochRecord,
  type RunResult,
} from '@gcopt/demo/browser';
import type { WebEngine } from '../engines/webEngine.js';

export interface PagePlan {
  readonly optimizers: readonly DemoOptimizer[];
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Loss-curve points per epoch. */
  readonly pointsPerEpoch: number;
}

/** What the page draws while training: the runs so far (the current one partial) and the progress. */
export interface PlanProgress {
  readonly runs: readonly RunResult[];
  readonly stepsDone: number;
  readonly stepsTotal: number;
  readonly current: string;
}

/**
 * The demo's experiment for one seed, as the page runs it: every optimizer from the same initial
 * weights on the same batches, the test digits evaluated after each epoch. `onProgress` gets a
 * snapshot after every curve point and every epoch.
 */
export async function runPlan(
  engine: WebEngine,
  data: MnistSplit,
  plan: PagePlan,
  onProgress: (p: PlanProgress) => void,
): Promise<RunResult[]> {
  const weights = initialWeights(plan.seed);
  const orders = Array.from({ length: plan.epochs }, (_, e) => epochOrder(data.train.count, plan.seed, e + 1));
  const perEpoch = Math.ceil(data.train.count / plan.batchSize);
  const stepsTotal = perEpoch * plan.epochs * plan.optimizers.length;
  const done: RunResult[] = [];
  let stepsDone = 0;
  for (const optimizer of plan.optimizers) {
    const run = await engine.startRun({
      initialWeights: weights,
      optimizer,
      train: data.train,
      batchSize: plan.batchSize,
    });
    const started = performance.now();
    const epochs: EpochRecord[] = [];
    const curve: CurvePoint[] = [];
    const snapshot = (): RunResult => ({
      optimizer: optimizer.label,
      seed: plan.seed,
      initial,
      epochs: [...epochs],
      curve: [...curve],
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: NaN,
    });
    const report = () => onProgress({ runs: [...done, snapshot()], stepsDone, stepsTotal, current: optimizer.label });
    const initial = await run.evaluate(data.test);
    try {
      for (let e = 0; e < plan.epochs; e++) {
        const batches = batchesOf(orders[e], plan.batchSize);
        const window = Math.max(1, Math.ceil(batches.length / plan.pointsPerEpoch));
        let epochSum = 0;
        let windowSum = 0;
        let windowStart = 0;
        for (let b = 0; b < batches.length; b++) {
          const loss = await run.trainBatch(batches[b]);
          if (!Number.isFinite(loss))
            throw new Error(`${optimizer.label}: the training loss became ${loss} at epoch ${e + 1}, batch ${b + 1}`);
          stepsDone++;
          epochSum += loss;
          windowSum += loss;
          if (b + 1 - windowStart === window || b === batches.length - 1) {
            curve.push({
              epoch: e + (windowStart + b + 1) / 2 / batches.length,
              loss: windowSum / (b + 1 - windowStart),
            });
            windowSum = 0;
            windowStart = b + 1;
            report();
          }
        }
        const evaluation = await run.evaluate(data.test);
        epochs.push({
          epoch: e + 1,
          trainLoss: epochSum / batches.length,
          testLoss: evaluation.loss,
          testAccuracy: evaluation.accuracy,
          elapsedSeconds: (performance.now() - started) / 1000,
        });
        report();
      }
    } finally {
      await run.dispose();
    }
    done.push(snapshot());
  }
  return done;
}
