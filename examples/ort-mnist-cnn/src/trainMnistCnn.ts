import { loadDigits, seededRandom } from '@gcopt/mnist-data';
import { buildGradientModel, OrtTrainer, type OrtModule } from '@gcopt/onnxruntime';
import { mnistCnn } from './mnistCnn.js';

/** The optimizer pairs the example compares: each baseline and its GC variant. */
export const optimizerRuns = [
  { label: 'SGD (momentum 0.9)', optimizer: { name: 'SGD', lr: 0.02, momentum: 0.9, useGc: false } },
  { label: 'SGD_GC (momentum 0.9)', optimizer: { name: 'SGD_GC', lr: 0.02, momentum: 0.9 } },
  { label: 'Adam', optimizer: { name: 'Adam', lr: 1e-3, useGc: false } },
  { label: 'Adam_GC2', optimizer: { name: 'Adam_GC2', lr: 1e-3 } },
] as const;

export interface MnistRunOptions {
  ort: OrtModule;
  optimizer: { name: string } & Record<string, unknown>;
  epochs?: number;
  batchSize?: number;
  /** Training digits (default: all 8,000 of the split). */
  trainLimit?: number;
  testCount?: number;
  seed?: number;
  onEpoch?: (epoch: number, meanLoss: number, seconds: number) => void;
}

export interface MnistRunResult {
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  /** Loss of every step, in order. */
  stepLosses: number[];
  testAccuracy: number;
  trainSeconds: number;
}

/** Trains the CNN on the deterministic MNIST split and measures test accuracy. */
export async function trainMnistCnn(options: MnistRunOptions): Promise<MnistRunResult> {
  const seed = options.seed ?? 1;
  const { train, test } = loadDigits({ testCount: options.testCount ?? 2000, trainLimit: options.trainLimit });
  const built = buildGradientModel(mnistCnn(seed));
  const trainer = new OrtTrainer({
    gradientModel: built.gradientModel,
    inferenceModel: built.inferenceModel,
    ort: options.ort,
    optimizer: options.optimizer,
    params: built.params,
  });
  const random = seededRandom(seed);
  const epochLosses: number[] = [];
  const stepLosses: number[] = [];
  let trainSeconds = 0;
  for (let epoch = 1; epoch <= (options.epochs ?? 2); epoch++) {
    const start = performance.now();
    const { meanLoss } = await trainer.trainEpoch(
      { input: train.images, labels: train.labels, count: train.count },
      {
        batchSize: options.batchSize ?? 32,
        random,
        onStep: (r) => stepLosses.push(r.loss),
      },
    );
    const seconds = (performance.now() - start) / 1000;
    trainSeconds += seconds;
    epochLosses.push(meanLoss);
    options.onEpoch?.(epoch, meanLoss, seconds);
  }
  const { accuracy } = await trainer.evaluate({ input: test.images, labels: test.labels, count: test.count });
  await trainer.release();
  return { epochLosses, stepLosses, testAccuracy: accuracy!, trainSeconds };
}
