import { describe, expect, it } from 'vitest';
import { loadDigits } from '@gcopt/mnist-data';
import { batchesOf, DEMO_OPTIMIZERS, epochOrder, initialWeights, loadBackend, type Backend } from '../src/index.js';

/**
 * The backends are independent implementations of the same small CNN (hand-written TypeScript
 * backprop; an ONNX gradient model run by ONNX Runtime; a tfjs-layers model in channel-last layout).
 * From the same weights on the same batches
 * with the same optimizer they must follow the same trajectory, up to float32 rounding.
 */
describe('backends agree step by step', () => {
  const data = loadDigits({ trainLimit: 512 });
  // tfjs's cpu backend is slow on convolutions: a few small batches
  const backendNames = ['js', 'ort', 'tfjs'] as const;

  it.each(['SGD_GC', 'Adam_GC2'])('%s: batch losses and test metrics of js, ort and tfjs match', async (label) => {
    const optimizer = DEMO_OPTIMIZERS.find((o) => o.label === label)!;
    const batches = batchesOf(epochOrder(data.train.count, 5, 1), 16).slice(0, 8);
    const test = {
      images: data.test.images.subarray(0, 200 * 784),
      labels: data.test.labels.subarray(0, 200),
      count: 200,
    };
    type Metrics = { loss: number; accuracy: number };
    const traces: { initial: Metrics; losses: number[]; evaluation: Metrics }[] = [];
    for (const name of backendNames) {
      const backend: Backend = await loadBackend(name);
      const run = await backend.startRun({
        initialWeights: initialWeights(5),
        optimizer,
        train: data.train,
        batchSize: 16,
      });
      const initial = await run.evaluate(test);
      const losses: number[] = [];
      for (const b of batches) losses.push(await run.trainBatch(b));
      traces.push({ initial, losses, evaluation: await run.evaluate(test) });
      await run.dispose();
      await backend.dispose();
    }
    const [js, ...others] = traces;
    expect(js.evaluation.loss).toBeLessThan(js.initial.loss - 0.02); // it trained
    for (const other of others) {
      expect(other.initial.loss).toBeCloseTo(js.initial.loss, 4); // the same starting weights
      for (let i = 0; i < batches.length; i++) expect(other.losses[i]).toBeCloseTo(js.losses[i], 3);
      expect(other.evaluation.loss).toBeCloseTo(js.evaluation.loss, 3);
      expect(Math.abs(other.evaluation.accuracy - js.evaluation.accuracy)).toBeLessThanOrEqual(2 / 200);
    }
  });
});
