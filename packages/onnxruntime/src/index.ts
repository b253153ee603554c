export { buildGradientModel, OPSET, type NetworkSpec, type BuiltModels, type BuiltParam } from './builder/buildGradientModel.js';
export { layers, type LayerSpec } from './builder/layerSpecs.js';
export type { LossName } from './builder/losses.js';
export { CONTRACT_VERSION, metadataKeys, gradientName, contractMetadata } from './contract/gradientModelContract.js';
export { readGradientModel, type GradientModelInfo, type GradientModelParam } from './contract/readGradientModel.js';
export { inferOutAxis } from './contract/inferOutAxis.js';
export { encodeModel, decodeModel } from './onnx/codec.js';
export type { ModelProto } from './onnx/types.js';
