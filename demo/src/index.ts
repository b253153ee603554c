export { runDemo, machineDescription, type DemoResult, type DemoIo } from './demo.js';
export {
  parseDemoOptions,
  usage,
  DemoUsageError,
  DEFAULTS,
  QUICK,
  BACKEND_NAMES,
  DEFAULT_BACKEND,
  type DemoOptions,
  type BackendName,
} from './options.js';
export { DEMO_OPTIMIZERS, findDemoOptimizer, describeHyper, type DemoOptimizer } from './optimizers.js';
export type { Backend, TrainingRun, RunSetup, Evaluation } from './backend.js';
export { loadBackend } from './backends/index.js';
export { createJsBackend } from './backends/js/jsBackend.js';
export { SMALL_CNN, SMALL_CNN_PARAMS, initialWeights, cloneTensors, type NamedTensor } from './model/smallCnn.js';
export { epochOrder, batchesOf } from './batches.js';
export { runExperiment, type RunResult, type EpochRecord, type CurvePoint, type ExperimentPlan } from './experiment.js';
export { createProgressReporter, lineReporter, type ProgressReporter, type RunProgress } from './progress.js';
export { summarize, meanStd, type MeanStd, type OptimizerSummary } from './report/summary.js';
export { resultsTable, verdicts } from './report/table.js';
export { curvesSvg } from './report/curvesSvg.js';
export { svgToPng } from './report/png.js';
