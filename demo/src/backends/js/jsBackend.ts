import { createOptimizer } from '@gcopt/float32';
import type { DigitSet } from '@gcopt/mnist-data';
import type { Backend, Evaluation, RunSetup, TrainingRun } from '../../backend.js';
import { cloneTensors, type NamedTensor } from '../../model/smallCnn.js';
import { describeFloat32Backend } from '../float32BackendName.js';
import { SmallCnnNetwork } from './smallCnnNetwork.js';

const EVAL_BATCH = 250;

/**
 * The small CNN in plain TypeScript (no native runtime), trained in place by @gcopt/float32
 * (gcopt's optimizers over named Float32Arrays). Slower than ONNX Runtime, but it runs wherever Node
 * runs, and its gradients are easy to audit.
 */
export function createJsBackend(): Backend {
  return {
    name: 'js',
    description: 'plain TypeScript CNN (single thread), @gcopt/float32 optimizers',
    async startRun(setup: RunSetup): Promise<TrainingRun> {
      const weights = cloneTensors(setup.initialWeights);
      const grads: NamedTensor[] = weights.map((t) => ({
        name: t.name,
        shape: t.shape,
        data: new Float32Array(t.data.length),
      }));
      const network = new SmallCnnNetwork(weights, grads, Math.max(setup.batchSize, EVAL_BATCH));
      const { name, family, options } = setup.optimizer;
      // PyTorch layout: output channels on axis 0, the default outAxis; the weights are updated in place
      const optimizer = createOptimizer(name, { ...options, family, backend: setup.float32Backend }, weights);
      const gradsByName = Object.fromEntries(grads.map((g) => [g.name, g.data]));
      return {
        optimizerBackend: describeFloat32Backend(optimizer.backend),
        async trainBatch(indices: Uint32Array): Promise<number> {
          const loss = network.lossAndGradients(setup.train, indices);
          optimizer.step(gradsByName);
          return loss;
        },
        async evaluate(set: DigitSet): Promise<Evaluation> {
          let lossSum = 0;
          let correct = 0;
          const all = Uint32Array.from({ length: set.count }, (_, i) => i);
          for (let at = 0; at < set.count; at += EVAL_BATCH) {
            const r = network.score(set, all.subarray(at, Math.min(at + EVAL_BATCH, set.count)));
            lossSum += r.lossSum;
            correct += r.correct;
          }
          return { loss: lossSum / set.count, accuracy: correct / set.count };
        },
        async dispose() {},
      };
    },
    async dispose() {},
  };
}
