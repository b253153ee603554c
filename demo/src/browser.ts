/**
 * The demo's pieces that also run in a browser (no Node built-ins, no native modules): the small CNN
 * and its seeded initial weights, its ONNX model, its tfjs training run, the batch order, the optimizer
 * pairs, the loss, and the report's summaries and plot. `examples/web` trains with them, so the page and
 * `pnpm demo` are one experiment.
 */
export { SMALL_CNN, SMALL_CNN_PARAMS, initialWeights, cloneTensors, type NamedTensor } from './model/smallCnn.js';
export { smallCnnOnnx, toOnnxLayout, fromOnnxLayout } from './model/smallCnnOnnx.js';
export { epochOrder, batchesOf } from './batches.js';
export { DEMO_OPTIMIZERS, findDemoOptimizer, describeHyper, type DemoOptimizer } from './optimizers.js';
export { gatherBatch } from './backends/gatherBatch.js';
export {
  startTfjsTrainingRun,
  type TfjsTrainingRun,
  type TfjsRunOptimizer,
} from './backends/tfjsTrainingRun.js';
export { softmaxCrossEntropy } from './backends/js/layers.js';
export { summarize, meanStd, type MeanStd, type OptimizerSummary } from './report/summary.js';
export { curvesSvg } from './report/curvesSvg.js';
export type { Backend, TrainingRun, RunSetup, Evaluation } from './backend.js';
export type { RunResult, EpochRecord, CurvePoint } from './experiment.js';
