import type * as Tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import type { Evaluation, RunSetup, TrainingRun } from '../backend.js';
import type { NamedTensor } from '../model/smallCnn.js';
import { smallCnnTfjs, smallCnnTfjsWeights } from '../model/smallCnnTfjs.js';
import { gatherBatch } from './gatherBatch.js';
import { softmaxCrossEntropy } from './js/layers.js';

const EVAL_BATCH = 500;

/** What a run needs of its optimizer: a `@gcopt/tfjs` one, typed by tfjs's base class (no optimizer code here). */
export type TfjsRunOptimizer = Pick<Tf.Optimizer, 'minimize' | 'dispose'>;

/** A tfjs training run that can also hand its weights back (what examples/web compares across runtimes). */
export interface TfjsTrainingRun extends TrainingRun {
  /** The current weights in PyTorch layout and order. */
  weights(): Promise<NamedTensor[]>;
}

/**
 * One training run of the demo's CNN as a tfjs-layers model (`smallCnnTfjs`) on whatever backend `tf`
 * is set to, stepped by `optimizer` through `optimizer.minimize`; the run owns the optimizer and
 * disposes it with the model. The demo's tfjs backend (cpu, in Node) and examples/web's tfjs engine
 * (webgl or webgpu in a page) both train with it.
 */
export function startTfjsTrainingRun(
  tf: typeof Tf,
  setup: Pick<RunSetup, 'initialWeights' | 'train' | 'batchSize'>,
  optimizer: TfjsRunOptimizer,
): TfjsTrainingRun {
  let model: Tf.Sequential;
  try {
    model = smallCnnTfjs(tf, setup.initialWeights);
  } catch (e) {
    optimizer.dispose();
    throw e;
  }
  const images = new Float32Array(setup.batchSize * IMAGE_SIZE);
  const labels = new Int32Array(setup.batchSize);
  return {
    async trainBatch(indices: Uint32Array): Promise<number> {
      const n = gatherBatch(setup.train, indices, images, labels);
      const cost = tf.tidy(() => {
        const x = tf.tensor4d(images.subarray(0, n * IMAGE_SIZE), [n, IMAGE_SIDE, IMAGE_SIDE, 1]);
        const y = tf.oneHot(tf.tensor1d(labels.subarray(0, n), 'int32'), NUM_CLASSES);
        return optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as Tf.Tensor) as Tf.Scalar,
          true,
        ) as Tf.Scalar;
      });
      const loss = (await cost.data())[0];
      cost.dispose();
      return loss;
    },
    async evaluate(set: DigitSet): Promise<Evaluation> {
      let lossSum = 0;
      let correct = 0;
      for (let at = 0; at < set.count; at += EVAL_BATCH) {
        const n = Math.min(EVAL_BATCH, set.count - at);
        const pixels = set.images.subarray(at * IMAGE_SIZE, (at + n) * IMAGE_SIZE);
        const logitsTensor = tf.tidy(
          () => model.predict(tf.tensor4d(pixels, [n, IMAGE_SIDE, IMAGE_SIDE, 1])) as Tf.Tensor,
        );
        const logits = (await logitsTensor.data()) as Float32Array;
        logitsTensor.dispose();
        const r = softmaxCrossEntropy(logits, set.labels.subarray(at, at + n), n, NUM_CLASSES, null, 1);
        lossSum += r.lossSum;
        correct += r.correct;
      }
      return { loss: lossSum / set.count, accuracy: correct / set.count };
    },
    weights: () => smallCnnTfjsWeights(model, setup.initialWeights),
    async dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}
