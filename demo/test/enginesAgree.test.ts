import { describe, expect, it } from 'vitest';
import { loadDigits } from '@gcopt/mnist-data';
import { batchesOf, DEMO_OPTIMIZERS, epochOrder, initialWeights, loadEngine, type Engine } from '../src/index.js';

/**
 * The engines are independent implementations of the same small CNN (hand-written TypeScript
 * backprop; an ONNX gradient model run by ONNX Runtime; ...). From the same weights on the same batches
 * with the same optimizer they must follow the same trajectory, up to float32 rounding.
 */
describe('engines agree step by step', () => {
  const data = loadDigits({ trainLimit: 512 });
  const engineNames = ['js', 'ort'] as const;

  it.each(['SGD_GC', 'Adam_GC2'])('%s: batch losses and test metrics of js and ort match', async (label) => {
    const optimizer = DEMO_OPTIMIZERS.find((o) => o.label === label)!;
    const batches = batchesOf(epochOrder(data.train.count, 5, 1), 32).slice(0, 12);
    const test = { images: data.test.images.subarray(0, 300 * 784), labels: data.test.labels.subarray(0, 300), count: 300 };
    const traces: { losses: number[]; evaluation: { loss: number; accuracy: number } }[] = [];
    for (const name of engineNames) {
      const engine: Engine = await loadEngine(name);
      const run = await engine.startRun({ initialWeights: initialWeights(5), optimizer, train: data.train, batchSize: 32 });
      const losses: number[] = [];
      for (const b of batches) losses.push(await run.trainBatch(b));
      traces.push({ losses, evaluation: await run.evaluate(test) });
      await run.dispose();
      await engine.dispose();
    }
    const [js, ort] = traces;
    expect(js.losses[11]).toBeLessThan(js.losses[0]); // it trained
    for (let i = 0; i < batches.length; i++) expect(ort.losses[i]).toBeCloseTo(js.losses[i], 3);
    expect(ort.evaluation.loss).toBeCloseTo(js.evaluation.loss, 3);
    expect(Math.abs(ort.evaluation.accuracy - js.evaluation.accuracy)).toBeLessThanOrEqual(2 / 300);
  });
});
