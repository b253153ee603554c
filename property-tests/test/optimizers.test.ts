import { defineOptimizerSuite } from './optimizerSuite.js';

// the CPU backends: core, float32, tfjs, core/fast
defineOptimizerSuite('optimizers', (b) => !b.name.startsWith('@gcopt/core/gpu'));
