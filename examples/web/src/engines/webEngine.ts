import type { DigitSet } from '@gcopt/mnist-data';
import type { DemoOptimizer, Evaluation, NamedTensor } from '@gcopt/demo/browser';

/** What an engine needs to start one training run (the demo's `RunSetup`, plus the seed's weights). */
export interface WebRunSetup {
  /** The small CNN's initial weights, PyTorch layout (demo/src/model/smallCnn.ts). */
  readonly initialWeights: readonly NamedTensor[];
  readonly optimizer: DemoOptimizer;
  readonly train: DigitSet;
  readonly batchSize: number;
}

/** One model trained by one optimizer. */
export interface WebTrainingRun {
  /** One optimizer step on the training digits at `indices`; returns the batch's mean loss before the step. */
  trainBatch(indices: Uint32Array): Promise<number>;
  evaluate(set: DigitSet): Promise<Evaluation>;
  /** The current weights in PyTorch layout and order (what a test compares across runtimes). */
  weights(): Promise<NamedTensor[]>;
  dispose(): Promise<void>;
}

/**
 * One way to train the demo's CNN in a page or in Node: a gradient runtime (onnxruntime-web or
 * TensorFlow.js) and a gcopt optimizer for the update. `description` says which backend actually runs.
 */
export interface WebEngine {
  readonly id: EngineId;
  readonly description: string;
  startRun(setup: WebRunSetup): Promise<WebTrainingRun>;
}

/**
 * - `ort-float32`: onnxruntime-web (wasm) gradients, `@gcopt/float32` update;
 * - `ort-fast`: the same gradients, `@gcopt/core/fast` update (WebAssembly SIMD, threads where allowed);
 * - `ort-gpujs`: the same gradients, the gpu.js device optimizer of `@gcopt/core/gpu` (WebGL/WebGPU);
 * - `tfjs`: a TensorFlow.js model on webgl/webgpu (cpu in Node) with a `@gcopt/tfjs` optimizer.
 */
export type EngineId = 'ort-float32' | 'ort-fast' | 'ort-gpujs' | 'tfjs';
export const ENGINE_IDS: readonly EngineId[] = ['ort-float32', 'ort-fast', 'ort-gpujs', 'tfjs'];
