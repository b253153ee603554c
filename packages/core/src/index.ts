/**
 * Gradient Centralization (Yong et al., ECCV 2020) as a projection operator, and the
 * paper's 23 reference optimizers as pure update rules over typed arrays and ndarray views.
 * Browser-safe: no Node-only imports.
 *
 * @module @gcopt/core
 */
export type { FloatArray, DType } from './tensor/floatArray.js';
export { dtypeOf, isFloatArray } from './tensor/floatArray.js';
export type { Layout } from './tensor/layout.js';
export { layoutOf } from './tensor/layout.js';
export { flatView, writeBack, cloneContiguous, isRowMajorContiguous } from './tensor/ndarrayViews.js';

export type { GcRule } from './centralize/gcRule.js';
export { gcApplies, ruleFromFlags } from './centralize/gcRule.js';
export { centralizeInPlace } from './centralize/centralizeInPlace.js';
export { centralize, type CentralizeOptions } from './centralize/centralize.js';

export * from './errors.js';
export * from './warnings.js';

export type { Transform, TensorContext } from './transforms/transform.js';
export type * from './transforms/descriptor.js';
export { compilePlan, type PlanCompilation } from './plan/compilePlan.js';
export { planSlots, type FusedPlan, type SgdPlan, type AdamPlan, type AdagradPlan } from './plan/fusedPlan.js';
export { addWeightDecay } from './transforms/addWeightDecay.js';
export { centralizeUpdate } from './transforms/centralizeUpdate.js';
export { sgdMomentum, type MomentumOptions } from './transforms/sgdMomentum.js';
export { adamMoments, type MomentOptions } from './transforms/adamMoments.js';
export { scaleByAdam, type AdamEpsPlacement, type ScaleByAdamOptions } from './transforms/scaleByAdam.js';
export { scaleByAdagrad, type AdagradOptions as ScaleByAdagradOptions } from './transforms/scaleByAdagrad.js';
export { rectify, rectificationFactor, smaLength, type RectifyOptions } from './transforms/rectify.js';
export { lookaheadSync, rangerLookahead } from './transforms/lookahead.js';
export { applyUpdate, applyUpdateWithDecoupledDecay, scaleByLearningRate } from './transforms/applyUpdate.js';

export type * from './optimizers/types.js';
export { recipeOptimizer, cloneState, resolveLearningRate } from './optimizers/recipeOptimizer.js';
export type { SgdHyper, SgdOptions } from './optimizers/options/sgdOptions.js';
export type { AdamHyper } from './optimizers/options/adamOptions.js';
export type { GcFlags, GcLocation } from './optimizers/options/gcFlags.js';
export type { AdamOptions } from './optimizers/firstRelease/adam.js';
export type { AdagradHyper, AdagradOptions } from './optimizers/firstRelease/adagrad.js';
export type { AdvancedSgdHyper, AdvancedSgdOptions } from './optimizers/advanced/sgd.js';
export type { AdvancedAdamHyper, AdvancedAdamOptions } from './optimizers/advanced/adam.js';
export type { RAdamHyper, RAdamOptions } from './optimizers/advanced/radam.js';
export type { RangerHyper, RangerOptions } from './optimizers/advanced/ranger.js';
export type { LookaheadOptions } from './optimizers/advanced/lookahead.js';

// One name per optimizer: the reference's class name. The first release's plain AdamW, whose name the
// advanced AdamW also has, is AdamW_FirstRelease (README "Optimizer names").
export {
  SGD_GC,
  SGD_GCC,
  SGDW,
  SGDW_GC,
  SGDW_GCC,
  Adam_GC,
  Adam_GCC,
  Adam_GC2,
  Adam_GCC2,
  AdamW_GC,
  AdamW_GCC,
  AdamW_GC2,
  AdamW_GCC2,
  Adagrad_GC,
  Adagrad_GCC,
} from './optimizers/firstRelease/index.js';
export { AdamW_FirstRelease } from './optimizers/firstRelease/adamW.js';
export { SGD, Adam, AdamW, RAdam, PlainRAdam, Lookahead, Ranger } from './optimizers/advanced/index.js';

export { createOptimizer, findReferenceOptimizer, referenceOptimizers } from './reference/registry.js';
export type { Family, ReferenceOptimizer, OptimizerFactory } from './reference/registry.js';
export { fromReferenceKwargs, camelCaseOption, camelCaseOptions } from './reference/kwargs.js';
export { pythonFloat } from './reference/pythonFormat.js';
export * from './reference/goldenFormat.js';
export { replayGolden, replayGoldenAsync, coreBackend, relativeError } from './reference/replay.js';
export type {
  ReplayBackend,
  AsyncReplayBackend,
  ReplayRun,
  ReplayResult,
  ReplayState,
  ReplayReport,
  CaseReport,
  ErrorRecordReport,
  ReplayOptions,
  AsyncReplayOptions,
  Precision,
} from './reference/replay.js';
export { GoldenFormatError, validateGoldenFile, validateGoldenInputs } from './reference/goldenValidation.js';
export { AXIS_LAYOUTS, axisPermutation, isAxisLayout, permutedTensor, permuteValues } from './reference/axisLayout.js';
export type { AxisLayout, PermutedTensor } from './reference/axisLayout.js';
