import { createRequire } from 'node:module';
import type * as Tf from '@tensorflow/tfjs';
import type { Backend, RunSetup, TrainingRun } from '../backend.js';
import { startTfjsTrainingRun } from './tfjsTrainingRun.js';

type TfModule = typeof Tf;

/**
 * TensorFlow.js (tfjs-layers model, cpu backend) trained with a @gcopt/tfjs optimizer through
 * `optimizer.minimize`; the demo's initial weights are converted to tfjs's channel-last layout.
 */
export async function createTfjsBackend(): Promise<Backend> {
  const tf = (await import('@tensorflow/tfjs')) as TfModule;
  const { optimizerByName } = await import('@gcopt/tfjs');
  const require = createRequire(import.meta.url);
  // the wasm backend has no Conv2DBackpropFilter kernel, so training a CNN needs the cpu backend
  if (!(await tf.setBackend('cpu'))) throw new Error('--backend tfjs: the tfjs cpu backend failed to initialize');
  await tf.ready();
  const version = (require('@tensorflow/tfjs/package.json') as { version: string }).version;

  return {
    name: 'tfjs',
    description:
      `TensorFlow.js ${version}, cpu backend (pure JS), tfjs-layers model, @gcopt/tfjs optimizer via ` +
      `optimizer.minimize`,
    async startRun(setup: RunSetup): Promise<TrainingRun> {
      const { name, family, options } = setup.optimizer;
      const optimizer = optimizerByName(name, { ...options }, family);
      const { name: kernels, note } = optimizer.hostKernels;
      const hostOn = kernels === 'fast' ? '@gcopt/core/fast (WebAssembly SIMD, 1 thread)' : 'the core';
      const steps =
        optimizer.activeBackend === 'host'
          ? `host step backend on ${hostOn}${note ? `: ${note}` : ''}`
          : 'tensor step backend (tf ops)';
      return { ...startTfjsTrainingRun(tf, setup, optimizer), optimizerBackend: `@gcopt/tfjs ${steps}` };
    },
    async dispose() {},
  };
}
