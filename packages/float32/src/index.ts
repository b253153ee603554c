/**
 * GC optimizers for models that are named Float32Arrays: in-place steps over @gcopt/core/fast's
 * WebAssembly SIMD kernels (or the core's), param groups, atomic validated steps, and versioned
 * checkpoints that resume bit for bit. Browser-safe: no Node-only imports.
 *
 * @module @gcopt/float32
 */
export type { Float32Param, ModelInput } from './model.js';
export type { GradientInput, Gradients, NonFiniteLocation } from './gradients.js';
export type {
  Float32OptimizerOptions,
  Float32Settings,
  GroupSelector,
  NonFinitePolicy,
  ParamGroup,
} from './options.js';
export { createOptimizer } from './float32Optimizer.js';
export type {
  Float32Optimizer,
  Float32StepOptions,
  LoadStateOptions,
  ParamInfo,
  StepReport,
} from './float32Optimizer.js';
export type { OptionsByName, OptionsFor } from './optionsByName.js';
export type { BackendReport, Float32Backend, GroupBackend } from './fastBackend.js';

export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, validateSnapshot, cloneSnapshot, serializeHyper } from './snapshot.js';
export type { OptimizerSnapshot, ParamSnapshot, SerializedHyper, HyperValue } from './snapshot.js';
export { encodeSnapshot, decodeSnapshot, SNAPSHOT_MAGIC, CONTAINER_VERSION } from './binaryCodec.js';
export { snapshotToJSON, snapshotFromJSON } from './jsonCodec.js';
export { SnapshotFormatError, SnapshotMismatchError } from './errors.js';
// the core's step errors, re-exported so callers can catch them without importing @gcopt/core
export { InvalidArgumentError, ShapeMismatchError, NonFiniteGradientError, GcoptError } from '@gcopt/core';
