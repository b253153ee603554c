import { createRequire } from 'node:module';
import type * as Tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import type { Backend, Evaluation, RunSetup, TrainingRun } from '../backend.js';
import { SMALL_CNN, type NamedTensor } from '../model/smallCnn.js';
import { gatherBatch } from './gatherBatch.js';
import { softmaxCrossEntropy } from './js/layers.js';

const EVAL_BATCH = 500;
type TfModule = typeof Tf;

/** tfjs kernel `[kh, kw, in, out]` from PyTorch's `[out, in, kh, kw]`. */
function convKernelToTfjs(t: NamedTensor): { data: Float32Array; shape: number[] } {
  const [o, i, kh, kw] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) data[((y * kw + x) * i + b) * o + a] = t.data[((a * i + b) * kh + y) * kw + x];
  return { data, shape: [kh, kw, i, o] };
}

/**
 * tfjs dense kernel `[in, out]` from PyTorch's `[out, in]`, where the input is the flattened last
 * feature map: PyTorch flattens it channel-first (c, h, w), tfjs channel-last (h, w, c).
 */
function denseKernelToTfjs(t: NamedTensor, channels: number, side: number): { data: Float32Array; shape: number[] } {
  const [outs, ins] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let o = 0; o < outs; o++)
    for (let c = 0; c < channels; c++)
      for (let h = 0; h < side; h++)
        for (let w = 0; w < side; w++)
          data[((h * side + w) * channels + c) * outs + o] = t.data[o * ins + (c * side + h) * side + w];
  return { data, shape: [ins, outs] };
}

/**
 * TensorFlow.js (tfjs-layers model, cpu backend) trained with a @gcopt/tfjs optimizer through
 * `optimizer.minimize`; the demo's initial weights are converted to tfjs's channel-last layout.
 */
export async function createTfjsBackend(): Promise<Backend> {
  const tf = (await import('@tensorflow/tfjs')) as TfModule;
  const { optimizerByName } = await import('@gcopt/tfjs');
  const require = createRequire(import.meta.url);
  // the wasm backend has no Conv2DBackpropFilter kernel, so training a CNN needs the cpu backend
  if (!(await tf.setBackend('cpu'))) throw new Error('--backend tfjs: the tfjs cpu backend failed to initialize');
  await tf.ready();
  const version = (require('@tensorflow/tfjs/package.json') as { version: string }).version;

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
    const byName = new Map(weights.map((w) => [w.name, w]));
    const tensor = (x: { data: Float32Array; shape: number[] }) => tf.tensor(x.data, x.shape);
    const plain = (name: string) => tensor({ data: byName.get(name)!.data, shape: [...byName.get(name)!.shape] });
    const values = [
      tensor(convKernelToTfjs(byName.get('conv1.weight')!)),
      plain('conv1.bias'),
      tensor(convKernelToTfjs(byName.get('conv2.weight')!)),
      plain('conv2.bias'),
      tensor(denseKernelToTfjs(byName.get('fc.weight')!, c2.out, 5)),
      plain('fc.bias'),
    ];
    model.setWeights(values);
    tf.dispose(values);
    return model;
  }

  return {
    name: 'tfjs',
    description:
      `TensorFlow.js ${version}, cpu backend (pure JS), tfjs-layers model, @gcopt/tfjs optimizer via ` +
      `optimizer.minimize`,
    async startRun(setup: RunSetup): Promise<TrainingRun> {
      const model = buildModel(setup.initialWeights);
      const { name, family, options } = setup.optimizer;
      const optimizer = optimizerByName(name, { ...options }, family);
      const input = new Float32Array(setup.batchSize * IMAGE_SIZE);
      const labels = new Int32Array(setup.batchSize);
      const { name: kernels, note } = optimizer.hostKernels;
      const hostOn = kernels === 'fast' ? '@gcopt/core/fast (WebAssembly SIMD, 1 thread)' : 'the core';
      const steps =
        optimizer.activeBackend === 'host'
          ? `host step backend on ${hostOn}${note ? `: ${note}` : ''}`
          : 'tensor step backend (tf ops)';
      return {
        optimizerBackend: `@gcopt/tfjs ${steps}`,
        async trainBatch(indices: Uint32Array): Promise<number> {
          const n = gatherBatch(setup.train, indices, input, labels);
          const cost = tf.tidy(() => {
            const x = tf.tensor4d(input.subarray(0, n * IMAGE_SIZE), [n, IMAGE_SIDE, IMAGE_SIDE, 1]);
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
            const logitsTensor = tf.tidy(
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
            const logits = (await logitsTensor.data()) as Float32Array;
            logitsTensor.dispose();
            const r = softmaxCrossEntropy(logits, set.labels.subarray(at, at + n), n, NUM_CLASSES, null, 1);
            lossSum += r.lossSum;
            correct += r.correct;
          }
          return { loss: lossSum / set.count, accuracy: correct / set.count };
        },
        async dispose() {
          optimizer.dispose();
          model.dispose();
        },
      };
    },
    async dispose() {},
  };
}
