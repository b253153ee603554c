import { createOptimizer, type Float32OptimizerOptions } from '@gcopt/float32';
import { seededRandom, shuffledIndices, type MnistSplit } from '@gcopt/mnist-data';
import { Mlp } from './mlp.js';

/** One optimizer to compare: a gcopt optimizer name and its options. */
export interface RunConfig {
  readonly label: string;
  readonly optimizer: string;
  readonly options: Float32OptimizerOptions;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly hidden: number;
  /** Seeds the weights and the batch order: every config sees the same start and the same batches. */
  readonly seed: number;
  readonly onEpoch?: (epoch: number, meanLoss: number) => void;
}

export interface RunResult {
  readonly label: string;
  /** Mean training loss of each epoch's batches. */
  readonly epochLosses: number[];
  readonly testAccuracy: number;
  readonly steps: number;
}

/** No weight decay on biases: the usual param-group split, shared by every config below. */
const noDecayOnBiases = { groups: [{ params: /\.bias$/, weightDecay: 0 }] };

/**
 * The comparison the paper makes, on an MLP: plain SGD (momentum) vs SGD_GC, and Adam vs Adam_GC2.
 * The baselines are the advanced release's `SGD`/`Adam` with GC off, the same update rules.
 */
export const COMPARISON: readonly RunConfig[] = [
  {
    label: 'SGD',
    optimizer: 'SGD',
    options: { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, useGc: false, ...noDecayOnBiases },
  },
  { label: 'SGD_GC', optimizer: 'SGD_GC', options: { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, ...noDecayOnBiases } },
  { label: 'Adam', optimizer: 'Adam', options: { lr: 3e-3, weightDecay: 5e-4, useGc: false, ...noDecayOnBiases } },
  { label: 'Adam_GC2', optimizer: 'Adam_GC2', options: { lr: 3e-3, weightDecay: 5e-4, ...noDecayOnBiases } },
];

/** Trains a fresh MLP with one optimizer and reports its losses and test accuracy. */
export function trainRun(config: RunConfig, data: MnistSplit, o: TrainOptions): RunResult {
  const mlp = new Mlp(o.hidden, o.seed);
  const opt = createOptimizer(config.optimizer, config.options, mlp.params);
  const random = seededRandom(o.seed + 1);
  const epochLosses: number[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = shuffledIndices(data.train.count, random);
    let sum = 0;
    let batches = 0;
    for (let at = 0; at + o.batchSize <= order.length; at += o.batchSize) {
      sum += mlp.lossAndGradients(data.train, order.subarray(at, at + o.batchSize));
      opt.step(mlp.grads);
      batches++;
    }
    epochLosses.push(sum / batches);
    o.onEpoch?.(epoch, sum / batches);
  }
  return { label: config.label, epochLosses, testAccuracy: mlp.accuracy(data.test), steps: opt.stepCount };
}
