export { mnistCnn } from './mnistCnn.js';
export { trainMnistCnn, optimizerRuns, type MnistRunOptions, type MnistRunResult } from './trainMnistCnn.js';
