import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import type { OrtModule } from '@gcopt/onnxruntime';
import { createOrtEngine } from '../src/engines/ortEngine.js';
import { createTfjsEngine } from '../src/engines/tfjsEngine.js';
import type { EngineId, WebEngine } from '../src/engines/webEngine.js';

/**
 * The page's engines run in Node, as the reference for the browser runs: onnxruntime-web's own
 * wasm build for Node (one thread), the fast path on one thread, the core's typed-array path behind
 * the device-optimizer interface for gpu.js, and tfjs on its cpu backend.
 */
export async function nodeEngine(id: EngineId): Promise<WebEngine> {
  ort.env.wasm.numThreads = 1;
  const o = ort as unknown as OrtModule;
  const runtime = 'onnxruntime-web wasm in Node (1 thread)';
  switch (id) {
    case 'ort-float32':
      return createOrtEngine(o, { kind: 'float32' }, runtime);
    case 'ort-fast':
      return createOrtEngine(o, { kind: 'fast', threads: 1 }, runtime);
    case 'ort-gpujs':
      return createOrtEngine(o, { kind: 'gpujs', mode: 'js' }, runtime);
    case 'tfjs':
      await tf.setBackend('cpu');
      await tf.ready();
      return createTfjsEngine(tf);
  }
}
