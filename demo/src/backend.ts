import type { Float32Backend } from '@gcopt/float32';
import type { DigitSet } from '@gcopt/mnist-data';
import type { DemoOptimizer } from './optimizers.js';
import type { NamedTensor } from './model/smallCnn.js';

/** Loss and accuracy of a model on a set of digits. */
export interface Evaluation {
  /** Mean cross-entropy. */
  readonly loss: number;
  /** Fraction correct, 0–1. */
  readonly accuracy: number;
}

/** What a backend needs to start one training run. */
export interface RunSetup {
  /**
   * The small CNN's initial weights, PyTorch layout (see model/smallCnn.ts): the same for every optimizer of a seed.
   */
  readonly initialWeights: readonly NamedTensor[];
  readonly optimizer: DemoOptimizer;
  readonly train: DigitSet;
  readonly batchSize: number;
  /** @gcopt/float32's backend, for backends whose optimizers are @gcopt/float32's (undefined: its default). */
  readonly float32Backend?: Float32Backend;
}

/** One model being trained by one optimizer. */
export interface TrainingRun {
  /**
   * One optimizer step on the training digits at `indices` (one batch); returns the batch's mean
   * cross-entropy before the step.
   */
  trainBatch(indices: Uint32Array): Promise<number>;
  evaluate(set: DigitSet): Promise<Evaluation>;
  /** What steps the optimizer, in words (e.g. `@gcopt/float32 backend fast (…)`), where the backend can tell. */
  readonly optimizerBackend?: string;
  dispose(): Promise<void>;
}

/**
 * A way to train the demo's small CNN: the ONNX Runtime gradient-model trainer, TensorFlow.js, or
 * plain TypeScript. Backends translate; the optimizers are always gcopt's.
 */
export interface Backend {
  readonly name: string;
  /** One line for the report, e.g. which runtime and which of its devices. */
  readonly description: string;
  startRun(setup: RunSetup): Promise<TrainingRun>;
  dispose(): Promise<void>;
}
