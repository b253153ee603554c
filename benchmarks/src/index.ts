/** The benchmark as a library (the CLI is src/cli.ts): run it, read its ratios. */
export { runBenchmark, ratios, GCOPT_MAIN, type BenchConfig, type BenchReport, type Line } from './bench.js';
export { markdown, jsonLine } from './report.js';
export { resnet50, large100M, small1M, tfjsLayout, type ParamSet } from './paramSets.js';
export { StreamFloor, lastLevelCacheBytes, FLOOR_BYTES, type FloorPattern, type FloorResult } from './streamFloor.js';
export { BENCH_OPTIMIZERS, type BenchOptimizer } from './optimizers.js';
export { TOLERANCE, maxRelativeError } from './correctness.js';
