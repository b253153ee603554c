import type { DigitSet } from '@gcopt/mnist-data';
import { batchesOf, epochOrder, initialWeights, type DemoOptimizer, type NamedTensor } from '@gcopt/demo/browser';
import type { WebEngine } from '../engines/webEngine.js';

export interface StepsPlan {
  readonly optimizer: DemoOptimizer;
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
}

/**
 * A fixed number of steps from a seed's initial weights on the seed's first-epoch batch order (the
 * demo's), returning the losses and the final weights: what the browser tests compare with Node.
 */
export async function trainSteps(
  engine: WebEngine,
  train: DigitSet,
  plan: StepsPlan,
): Promise<{ losses: number[]; weights: NamedTensor[] }> {
  const batches = batchesOf(epochOrder(train.count, plan.seed, 1), plan.batchSize);
  if (plan.steps > batches.length)
    throw new Error(
      `steps: at most ${batches.length} batches of ${plan.batchSize} in one epoch of ${train.count} digits`,
    );
  const run = await engine.startRun({
    initialWeights: initialWeights(plan.seed),
    optimizer: plan.optimizer,
    train,
    batchSize: plan.batchSize,
  });
  try {
    const losses: number[] = [];
    for (let s = 0; s < plan.steps; s++) losses.push(await run.trainBatch(batches[s]));
    return { losses, weights: await run.weights() };
  } finally {
    await run.dispose();
  }
}
