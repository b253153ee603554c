/**
 * A CPU fast path for the GC optimizers: fused WebAssembly SIMD kernels (f32x4)
 * over parameters, gradients and state held in one WebAssembly memory, on worker threads over a
 * shared memory where available (Node), with a fused plain-JS fallback (no SIMD, float64, no
 * SharedArrayBuffer) and the core path for optimizers it does not fuse. Same numbers as the core
 * within float32 rounding; the golden replay runs on it (test/fast/).
 *
 * @module @gcopt/core/fast
 */
export {
  createFastOptimizer,
  createFastOptimizerSync,
  fastPathCovers,
  type FastBackend,
  type FastOptimizer,
  type FastOptions,
  type FastParamSpec,
  type FastStepOptions,
  type StepPhases,
} from './fastOptimizer.js';
export { compilePlan, type PlanCompilation } from '../plan/compilePlan.js';
export { planSlots, type FusedPlan, type AdamPlan, type SgdPlan, type AdagradPlan } from '../plan/fusedPlan.js';
export { fastBackend, type FastBackendOptions } from './replayBackend.js';
export { wasmSimdSupported, sharedMemorySupported } from './wasm/loadKernels.js';
// the fast path's worker pool, for benchmarks that must run their own kernels on the same threads
export { ThreadPool } from './threads/threadPool.js';
