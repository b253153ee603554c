/**
 * Fast-check properties of Gradient Centralization and of GC optimizers,
 * reusable against any implementation: `verifyCentralization(impl)`, `verifyOptimizer(factory, claims)`,
 * `verifyStepForms(create)`, plus the arbitraries they draw from. See README.md.
 *
 * @module @gcopt/property-tests
 */
export {
  verifyCentralization,
  checkCentralization,
  type CentralizationVerifyOptions,
} from './centralization/verify.js';
export type { CentralizationImplementation } from './centralization/implementation.js';
export { centralizationViaSgd, canCentralizeViaSgd } from './centralization/viaOptimizer.js';
export { verifyOptimizer, checkOptimizer, axisPositions, type OptimizerVerifyOptions } from './optimizer/verify.js';
export { valueProperty, type OracleClaim, type ValuePropertyContext } from './optimizer/valueProperty.js';
export { oracleOptimizer, type OracleOptimizer, type OracleParam } from './oracle/optimizers.js';
export { channelLayout, centres, ruleOfFlags, type ChannelLayout } from './oracle/layout.js';
export type { Interval, Precision } from './oracle/interval.js';
export {
  valueProblemArb,
  FAST_PATH_CHUNK,
  type AxisPosition,
  type LearningRateMode,
  type ValueCaseConstraints,
  type ValueParam,
  type ValueProblem,
} from './arbitraries/valueCase.js';
export { verifyStepForms, checkStepForms, type StepFormsOptions } from './optimizer/stepForms.js';
export type {
  MeanClaims,
  OptimizerFactory,
  OptimizerInstance,
  OptimizerSubjectOptions,
  ParamSpec,
  UpdateBoundContext,
  ValueCaseSupport,
} from './optimizer/instance.js';
export { referenceCatalog, catalogEntry, type CatalogEntry } from './optimizer/catalog.js';
export type { Backend, OptimizerBackend } from './backend.js';
export { coreBackend, coreCentralization, coreInstance, coreOptimizer } from './backends/core.js';

export { shapeArb, emptyShapeArb, type ShapeConstraints } from './arbitraries/shapes.js';
export {
  tensorArb,
  sameShapeArb,
  valueRecipeArb,
  type TensorConstraints,
  type OutAxisChoice,
  type ValueRecipe,
} from './arbitraries/tensors.js';
export { trainingCaseArb, type TrainingCase, type TrainingCaseConstraints } from './arbitraries/parameters.js';
export * as hyperParameters from './arbitraries/hyperParameters.js';

export type { TensorSpec, CentralizeRequest } from './tensor.js';
export { channelMeans, moveAxisToFront, moveAxisBack } from './tensor.js';
export * as tolerance from './tolerance.js';
export { runConfig, rotatingSeed, DEFAULT_SEED, DEFAULT_NUM_RUNS, SOAK_FACTOR, type RunConfig } from './config.js';
export {
  checkProperty,
  casesChecked,
  PropertyVerificationError,
  type NamedProperty,
  type PropertyResult,
  type VerificationReport,
} from './runner.js';
