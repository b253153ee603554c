export { Mlp } from './mlp.js';
export { COMPARISON, trainRun, type RunConfig, type RunResult, type TrainOptions } from './train.js';
