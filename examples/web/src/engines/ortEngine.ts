import type { OrtModule } from '@gcopt/onnxruntime';
import type { DeviceBackend } from '@gcopt/core/gpu';
import { fromOnnxLayout, gatherBatch, smallCnnOnnx, toOnnxLayout } from '@gcopt/demo/browser';
import { IMAGE_SIZE } from '@gcopt/mnist-data';
import { OrtGradients } from './ortGradients.js';
import {
  deviceUpdater,
  fastUpdater,
  float32Updater,
  type HostParam,
  type ParameterUpdater,
} from './parameterUpdaters.js';
import type { WebEngine, WebRunSetup, WebTrainingRun } from './webEngine.js';

/** How the update is applied to the weights ONNX Runtime differentiates. */
export type OrtUpdate =
  | { kind: 'float32' }
  | { kind: 'fast'; threads: number }
  | { kind: 'gpujs'; mode: DeviceBackend };

/**
 * The demo's CNN as a gradient model built by `@gcopt/onnxruntime`, run by `ort` (onnxruntime-web:
 * wasm in the page, the same wasm in Node); each batch's gradients go to a gcopt optimizer.
 */
export function createOrtEngine(ort: OrtModule, update: OrtUpdate, runtime: string): WebEngine {
  const built = smallCnnOnnx();
  const id = update.kind === 'float32' ? 'ort-float32' : update.kind === 'fast' ? 'ort-fast' : 'ort-gpujs';
  let described = '';
  return {
    id,
    get description() {
      return `${runtime} gradients; update: ${described || update.kind}`;
    },
    async startRun(setup: WebRunSetup): Promise<WebTrainingRun> {
      const session = await OrtGradients.create(ort, built.gradientModel, built.inferenceModel);
      const onnx = toOnnxLayout(setup.initialWeights, built.params);
      const initial: HostParam[] = onnx.map((p, i) => ({
        ...p,
        outAxis: session.info.params[i].outAxis,
        gc: session.info.params[i].gc,
      }));
      let updater: ParameterUpdater;
      try {
        updater =
          update.kind === 'float32'
            ? float32Updater(setup.optimizer, initial)
            : update.kind === 'fast'
              ? await fastUpdater(setup.optimizer, initial, update.threads)
              : await deviceUpdater(setup.optimizer, initial, update.mode);
      } catch (e) {
        await session.release();
        throw e;
      }
      described = updater.backend;
      const images = new Float32Array(setup.batchSize * IMAGE_SIZE);
      const labels = new Int32Array(setup.batchSize);
      return {
        async trainBatch(indices) {
          const n = gatherBatch(setup.train, indices, images, labels);
          const { loss, grads } = await session.gradients(updater.params, images, labels, n);
          await updater.step(grads);
          return loss;
        },
        evaluate: (set) => session.evaluate(updater.params, set),
        async weights() {
          return fromOnnxLayout(updater.params, setup.initialWeights);
        },
        async dispose() {
          updater.dispose();
          await session.release();
        },
      };
    },
  };
}
