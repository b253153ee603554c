/**
 * Train ONNX models on onnxruntime-node / onnxruntime-web with GC optimizers, through gradient models
 * (ONNX graphs that output the loss and every parameter's gradient): a TypeScript builder of such models,
 * the contract for bringing your own, a trainer and checkpoints.
 *
 * @module @gcopt/onnxruntime
 */
export {
  buildGradientModel,
  OPSET,
  type NetworkSpec,
  type BuiltModels,
  type BuiltParam,
} from './builder/buildGradientModel.js';
export { layers, type LayerSpec } from './builder/layerSpecs.js';
export type { LossName } from './builder/losses.js';
export { CONTRACT_VERSION, metadataKeys, gradientName, contractMetadata } from './contract/gradientModelContract.js';
export { readGradientModel, type GradientModelInfo, type GradientModelParam } from './contract/readGradientModel.js';
export { inferOutAxis } from './contract/inferOutAxis.js';
export { encodeModel, decodeModel } from './onnx/codec.js';
export type { ModelProto } from './onnx/types.js';
export {
  OrtTrainer,
  type OrtTrainerOptions,
  type OptimizerChoice,
  type Batch,
  type Dataset,
  type TrainStepResult,
  type Evaluation,
} from './trainer/OrtTrainer.js';
export { exportInferenceModel, withParamsAsInputs } from './trainer/inferenceModels.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  CHECKPOINT_MAGIC,
  CHECKPOINT_VERSION,
  type Checkpoint,
} from './trainer/checkpoint.js';
export type { OrtModule, OrtSession, OrtTensor } from './ortTypes.js';
