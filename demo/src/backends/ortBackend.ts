import { createRequire } from 'node:module';
import { buildGradientModel, layers, OrtTrainer, type OrtModule } from '@gcopt/onnxruntime';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import type { Backend, Evaluation, RunSetup, TrainingRun } from '../backend.js';
import { SMALL_CNN, type NamedTensor } from '../model/smallCnn.js';
import { softmaxCrossEntropy } from './js/layers.js';
import { gatherBatch } from './gatherBatch.js';

const EVAL_BATCH = 500;

/** The small CNN as ONNX layers (model/smallCnn.ts): valid 3×3 convolutions, 2×2 max-pools, one dense layer. */
function smallCnnModels() {
  return buildGradientModel({
    input: [1, IMAGE_SIDE, IMAGE_SIDE],
    loss: 'softmaxCrossEntropy',
    layers: [
      layers.conv2d({ filters: SMALL_CNN.conv1.out, kernel: SMALL_CNN.conv1.k, padding: 'valid' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.conv2d({ filters: SMALL_CNN.conv2.out, kernel: SMALL_CNN.conv2.k, padding: 'valid' }),
      layers.relu(),
      layers.maxPool({ size: 2 }),
      layers.flatten(),
      layers.dense({ units: SMALL_CNN.fc.out }),
    ],
  });
}

/**
 * The demo's PyTorch-layout weights in the built model's layout: same order (conv1, conv2, dense;
 * weight then bias), the dense weight transposed to ONNX Gemm's `[in, out]`.
 */
export function toBuiltLayout(
  weights: readonly NamedTensor[],
  built: readonly { name: string; shape: readonly number[] }[],
): { name: string; shape: number[]; data: Float32Array }[] {
  if (weights.length !== built.length)
    throw new Error(`ort backend: the built model has ${built.length} parameters, the demo's CNN ${weights.length}`);
  return built.map((b, i) => {
    const w = weights[i];
    const sameShape = w.shape.join(',') === b.shape.join(',');
    const transposed = w.shape.length === 2 && w.shape[0] === b.shape[1] && w.shape[1] === b.shape[0];
    if (!sameShape && !transposed) {
      throw new Error(
        `ort backend: ${w.name} [${w.shape.join(', ')}] does not fit the built ${b.name} [${b.shape.join(', ')}]`,
      );
    }
    if (sameShape) return { name: b.name, shape: [...b.shape], data: w.data.slice() };
    const [rows, cols] = w.shape;
    const data = new Float32Array(w.data.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = w.data[r * cols + c];
    return { name: b.name, shape: [...b.shape], data };
  });
}

/**
 * ONNX Runtime (onnxruntime-node, CPU) running a gradient model built by @gcopt/onnxruntime; each
 * step's gradients go to the gcopt optimizer through `OrtTrainer`.
 */
export async function createOrtBackend(): Promise<Backend> {
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  const built = smallCnnModels();
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
        optimizer: { name, family, ...options },
        params: toBuiltLayout(setup.initialWeights, built.params),
      });
      const input = new Float32Array(setup.batchSize * IMAGE_SIZE);
      const labels = new Int32Array(setup.batchSize);
      return {
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
