import type * as Tf from '@tensorflow/tfjs';
import { optimizerByName } from '@gcopt/tfjs';
import { startTfjsTrainingRun } from '@gcopt/demo/browser';
import type { WebEngine, WebRunSetup, WebTrainingRun } from './webEngine.js';

/**
 * The demo's CNN as a tfjs-layers model on whatever backend `tf` is set to (webgl or webgpu in a
 * page, cpu in Node), trained with a `@gcopt/tfjs` optimizer through `optimizer.minimize`.
 */
export function createTfjsEngine(tf: typeof Tf): WebEngine {
  return {
    id: 'tfjs',
    get description() {
      return `TensorFlow.js ${tf.version.tfjs} on its ${tf.getBackend()} backend, @gcopt/tfjs optimizer`;
    },
    async startRun(setup: WebRunSetup): Promise<WebTrainingRun> {
      const { name, family, options } = setup.optimizer;
      return startTfjsTrainingRun(tf, setup, optimizerByName(name, { ...options }, family));
    },
  };
}
