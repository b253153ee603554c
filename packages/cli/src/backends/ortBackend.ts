import type { AsyncReplayBackend } from '@gcopt/core';
import type * as Float32Module from '@gcopt/float32';
import type * as OrtAdapter from '@gcopt/onnxruntime';
import { BackendUnavailableError, importOptional } from './backendUnavailable.js';
import { createFloat32Optimizer, float32Fallback } from './float32Backend.js';
import { gradientFeedModel } from './gradientFeedModel.js';

/**
 * `OrtTrainer` from @gcopt/onnxruntime on onnxruntime-node: each step feeds the recorded gradients
 * as the batch of a gradient-feed model (see `gradientFeedModel`), ONNX Runtime returns them as the
 * model's gradient outputs, and the trainer hands them to its @gcopt/float32 optimizer (the case's
 * optimizer, built over the trainer's parameter arrays with their output axes).
 */
export async function ortReplayBackend(
  float32: typeof Float32Module,
  backend?: Float32Module.Float32Backend,
): Promise<AsyncReplayBackend> {
  const adapter = await importOptional<typeof OrtAdapter>('@gcopt/onnxruntime', 'ort');
  const ortNode = await importOptional<Record<string, unknown>>('onnxruntime-node', 'ort');
  const ort = (ortNode.InferenceSession ? ortNode : ortNode.default) as unknown as OrtAdapter.OrtModule;
  if (typeof ort?.InferenceSession?.create !== 'function') {
    throw new BackendUnavailableError('ort: onnxruntime-node exports no InferenceSession');
  }
  const models = new Map<string, Uint8Array>();
  return async (run) => {
    const specs = run.names.map((name, i) => ({ name, shape: run.shapes[i], outAxis: run.outAxes[i] }));
    const key = JSON.stringify(specs);
    let gradientModel = models.get(key);
    if (!gradientModel) models.set(key, (gradientModel = gradientFeedModel(adapter, specs)));
    const params = specs.map((s, i) => ({ ...s, data: Float32Array.from(run.init[i]) }));
    const optimizer = createFloat32Optimizer(float32, run.reference, params, run.onWarning, backend);
    const trainer = new adapter.OrtTrainer({ gradientModel, ort, optimizer, params });
    try {
      const total = params.reduce((n, p) => n + p.data.length, 0);
      const trajectory: Float32Array[][] = [];
      for (const stepGrads of run.grads) {
        const input = new Float32Array(total);
        let offset = 0;
        for (const g of stepGrads) {
          input.set(g, offset);
          offset += g.length;
        }
        await trainer.step({ input, labels: new Float32Array(1), count: 1 });
        trajectory.push(trainer.params.map((p) => p.data.slice()));
      }
      const state = { tensors: trainer.optimizer.state().params.map((p) => ({ step: p.step, slots: p.slots })) };
      return { params: trajectory, state, ...float32Fallback(trainer.optimizer) };
    } finally {
      await trainer.release();
    }
  };
}
