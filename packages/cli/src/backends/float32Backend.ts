import type { ReplayBackend } from '@gcopt/core';
import type * as Float32Module from '@gcopt/float32';
import { adapterChoice } from './referenceOptions.js';

/**
 * `@gcopt/float32`: a model of named Float32Arrays in the replayed layout (`outAxis` per parameter),
 * stepped by `createOptimizer(name, { ...options, backend }, model)`; the state is its snapshot. A
 * case whose optimizer the package runs on the core where the fast path was possible says so
 * (`fallback`, the package's own note).
 */
export function float32ReplayBackend(
  float32: typeof Float32Module,
  backend?: Float32Module.Float32Backend,
): ReplayBackend {
  return (run) => {
    const model = run.names.map((name, i) => ({
      name,
      shape: run.shapes[i],
      data: Float32Array.from(run.init[i]),
      outAxis: run.outAxes[i],
    }));
    const optimizer = createFloat32Optimizer(float32, run.reference, model, run.onWarning, backend);
    const params = run.grads.map((stepGrads) => {
      optimizer.step(Object.fromEntries(run.names.map((name, i) => [name, stepGrads[i]])));
      return model.map((p) => p.data.slice());
    });
    const state = { tensors: optimizer.state().params.map((p) => ({ step: p.step, slots: p.slots })) };
    return { params, state, ...float32Fallback(optimizer) };
  };
}

/** The `@gcopt/float32` optimizer of a recorded case over `model` (also what `OrtTrainer` is given). */
export function createFloat32Optimizer(
  float32: typeof Float32Module,
  reference: Parameters<typeof adapterChoice>[0],
  model: Float32Module.Float32Param[],
  onWarning: Float32Module.Float32OptimizerOptions['onWarning'],
  backend?: Float32Module.Float32Backend,
): Float32Module.Float32Optimizer {
  const { name, family, options, lookahead } = adapterChoice(reference);
  const settings = { ...options, family, onWarning, backend, ...(lookahead ? { lookahead } : {}) };
  return float32.createOptimizer(name, settings, model);
}

/** `{ fallback }` when @gcopt/float32 chose the core for a group (its note says why), else nothing. */
export function float32Fallback(optimizer: Float32Module.Float32Optimizer): { fallback?: string } {
  return optimizer.backend.note ? { fallback: `@gcopt/float32: ${optimizer.backend.note}` } : {};
}
