import type { ReplayBackend } from '@gcopt/core';
import type * as Float32Module from '@gcopt/float32';
import { adapterChoice } from './referenceOptions.js';

/**
 * `@gcopt/float32`: a model of named Float32Arrays in the replayed layout (`outAxis` per parameter),
 * stepped by `createOptimizer(name, options, model)`; the state is its snapshot.
 */
export function float32ReplayBackend(float32: typeof Float32Module): ReplayBackend {
  return (run) => {
    const model = run.names.map((name, i) => ({
      name,
      shape: run.shapes[i],
      data: Float32Array.from(run.init[i]),
      outAxis: run.outAxes[i],
    }));
    const optimizer = createFloat32Optimizer(float32, run.reference, model, run.onWarning);
    const params = run.grads.map((stepGrads) => {
      optimizer.step(Object.fromEntries(run.names.map((name, i) => [name, stepGrads[i]])));
      return model.map((p) => p.data.slice());
    });
    return { params, state: { tensors: optimizer.state().params.map((p) => ({ step: p.step, slots: p.slots })) } };
  };
}

/** The `@gcopt/float32` optimizer of a recorded case over `model` (also what `OrtTrainer` is given). */
export function createFloat32Optimizer(
  float32: typeof Float32Module,
  reference: Parameters<typeof adapterChoice>[0],
  model: Float32Module.Float32Param[],
  onWarning: Float32Module.Float32OptimizerOptions['onWarning'],
): Float32Module.Float32Optimizer {
  const { name, family, options, lookahead } = adapterChoice(reference);
  return float32.createOptimizer(name, { ...options, family, onWarning, ...(lookahead ? { lookahead } : {}) }, model);
}
