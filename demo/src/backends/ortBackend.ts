import { createRequire } from 'node:module';
import { OrtTrainer, type OrtModule } from '@gcopt/onnxruntime';
import { IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import type { Backend, Evaluation, RunSetup, TrainingRun } from '../backend.js';
import { smallCnnOnnx, toOnnxLayout } from '../model/smallCnnOnnx.js';
import { softmaxCrossEntropy } from './js/layers.js';
import { describeFloat32Backend } from './float32BackendName.js';
import { gatherBatch } from './gatherBatch.js';

const EVAL_BATCH = 500;

/**
 * ONNX Runtime (onnxruntime-node, CPU) running a gradient model built by @gcopt/onnxruntime; each
 * step's gradients go to the gcopt optimizer through `OrtTrainer`.
 */
export async function createOrtBackend(): Promise<Backend> {
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  const built = smallCnnOnnx();
  return {
    name: 'ort',
    description:
      `onnxruntime-node ${version} CPU, gradient model from @gcopt/onnxruntime, OrtTrainer + ` +
      `@gcopt/float32 optimizers`,
    async startRun(setup: RunSetup): Promise<TrainingRun> {
      const { name, family, options } = setup.optimizer;
      const trainer = new OrtTrainer({
        ort,
        gradientModel: built.gradientModel,
        inferenceModel: built.inferenceModel,
        optimizer: { name, family, ...options, backend: setup.float32Backend },
        params: toOnnxLayout(setup.initialWeights, built.params),
      });
      const input = new Float32Array(setup.batchSize * IMAGE_SIZE);
      const labels = new Int32Array(setup.batchSize);
      return {
        optimizerBackend: describeFloat32Backend(trainer.optimizer.backend),
        async trainBatch(indices: Uint32Array): Promise<number> {
          const n = gatherBatch(setup.train, indices, input, labels);
          const r = await trainer.step({
            input: input.subarray(0, n * IMAGE_SIZE),
            labels: labels.subarray(0, n),
            count: n,
          });
          return r.loss;
        },
        async evaluate(set: DigitSet): Promise<Evaluation> {
          let lossSum = 0;
          let correct = 0;
          for (let at = 0; at < set.count; at += EVAL_BATCH) {
            const n = Math.min(EVAL_BATCH, set.count - at);
            const logits = await trainer.predict(set.images.subarray(at * IMAGE_SIZE, (at + n) * IMAGE_SIZE), n);
            const r = softmaxCrossEntropy(logits, set.labels.subarray(at, at + n), n, NUM_CLASSES, null, 1);
            lossSum += r.lossSum;
            correct += r.correct;
          }
          return { loss: lossSum / set.count, accuracy: correct / set.count };
        },
        // each run opens its own sessions: free them, or a many-seed demo keeps them all alive
        async dispose() {
          await trainer.release();
        },
      };
    },
    async dispose() {},
  };
}
