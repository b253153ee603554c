import { defineOptimizerSuite } from './optimizerSuite.js';

// the gpu.js backends (cpu, webasm, webgpu where an adapter exists), in their own file so they run in parallel
// with the rest
defineOptimizerSuite('optimizers-gpu', (b) => b.name.startsWith('@gcopt/core/gpu'));
