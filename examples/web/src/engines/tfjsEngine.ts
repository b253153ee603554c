import type * as Tf from '@tensorflow/tfjs';
import { optimizerByName } from '@gcopt/tfjs';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES } from '@gcopt/mnist-data';
import { gatherBatch, SMALL_CNN, softmaxCrossEntropy, type NamedTensor } from '@gcopt/demo/browser';
import { convFromTfjs, convToTfjs, denseFromTfjs, denseToTfjs } from './tfjsLayout.js';
import type { WebEngine, WebRunSetup, WebTrainingRun } from './webEngine.js';

const EVAL_BATCH = 500;
/** Side of the last feature map (28 → 26 → 13 → 11 → 5). */
const LAST_SIDE = 5;

/**
 * The demo's CNN as a tfjs-layers model on whatever backend `tf` is set to (webgl or webgpu in a
 * page, cpu in Node), trained with a `@gcopt/tfjs` optimizer through `optimizer.minimize`.
 */
export function createTfjsEngine(tf: typeof Tf): WebEngine {
  function buildModel(weights: readonly NamedTensor[]): Tf.Sequential {
    const c1 = SMALL_CNN.conv1;
    const c2 = SMALL_CNN.conv2;
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
          filters: c1.out,
          kernelSize: c1.k,
          padding: 'valid',
          activation: 'relu',
        }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.conv2d({ filters: c2.out, kernelSize: c2.k, padding: 'valid', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: SMALL_CNN.fc.out }),
      ],
    });
    const [w1, b1, w2, b2, wf, bf] = weights;
    const tensor = (x: { data: Float32Array; shape: readonly number[] }) => tf.tensor(x.data, [...x.shape]);
    const values = [
      tensor(convToTfjs(w1)),
      tensor(b1),
      tensor(convToTfjs(w2)),
      tensor(b2),
      tensor(denseToTfjs(wf, c2.out, LAST_SIDE)),
      tensor(bf),
    ];
    model.setWeights(values);
    tf.dispose(values);
    return model;
  }

  return {
    id: 'tfjs',
    get description() {
      return `TensorFlow.js ${tf.version.tfjs} on its ${tf.getBackend()} backend, @gcopt/tfjs optimizer`;
    },
    async startRun(setup: WebRunSetup): Promise<WebTrainingRun> {
      const model = buildModel(setup.initialWeights);
      const { name, family, options } = setup.optimizer;
      const optimizer = optimizerByName(name, { ...options }, family);
      const images = new Float32Array(setup.batchSize * IMAGE_SIZE);
      const labels = new Int32Array(setup.batchSize);
      return {
        async trainBatch(indices) {
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
        async evaluate(set) {
          let lossSum = 0;
          let correct = 0;
          for (let at = 0; at < set.count; at += EVAL_BATCH) {
            const n = Math.min(EVAL_BATCH, set.count - at);
            const out = tf.tidy(
              () =>
                model.predict(
                  tf.tensor4d(set.images.subarray(at * IMAGE_SIZE, (at + n) * IMAGE_SIZE), [
                    n,
                    IMAGE_SIDE,
                    IMAGE_SIDE,
                    1,
                  ]),
                ) as Tf.Tensor,
            );
            const logits = (await out.data()) as Float32Array;
            out.dispose();
            const r = softmaxCrossEntropy(logits, set.labels.subarray(at, at + n), n, NUM_CLASSES, null, 1);
            lossSum += r.lossSum;
            correct += r.correct;
          }
          return { loss: lossSum / set.count, accuracy: correct / set.count };
        },
        async weights() {
          const values = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
          const like = setup.initialWeights;
          return [
            convFromTfjs(values[0], like[0]),
            { ...like[1], data: values[1].slice() },
            convFromTfjs(values[2], like[2]),
            { ...like[3], data: values[3].slice() },
            denseFromTfjs(values[4], like[4], SMALL_CNN.conv2.out, LAST_SIDE),
            { ...like[5], data: values[5].slice() },
          ];
        },
        async dispose() {
          optimizer.dispose();
          model.dispose();
        },
      };
    },
  };
}
