import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { OrtModule } from '@gcopt/onnxruntime';
import { optimizerRuns, trainMnistCnn } from '../src/index.js';

ortWeb.env.wasm.numThreads = 1;

/** A shortened run of the example (600 digits, 1 epoch) with each optimizer, on both runtimes. */
describe.each([
  ['onnxruntime-node', ortNode as unknown as OrtModule],
  ['onnxruntime-web', ortWeb as unknown as OrtModule],
])('MNIST CNN short run on %s', (_name, ort) => {
  it.each(optimizerRuns.map((r) => [r.label, r] as const))(
    '%s: the loss falls and test accuracy beats chance',
    async (_label, run) => {
      const result = await trainMnistCnn({
        ort,
        optimizer: { ...run.optimizer },
        epochs: 1,
        trainLimit: 640,
        testCount: 500,
      });
      const steps = result.stepLosses;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(steps).toHaveLength(20);
      expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)) * 0.8);
      expect(result.testAccuracy).toBeGreaterThan(0.3);
    },
  );
});
