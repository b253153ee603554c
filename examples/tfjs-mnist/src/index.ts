export { compareOptimizers, type CompareOptions, type RunResult } from './compare.js';
export { buildModel, type Architecture } from './models.js';
