import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { OrtModule } from '../../src/ortTypes.js';

// One wasm thread: the CI machine has 2 cores and worker threads add nothing for these sizes.
ortWeb.env.wasm.numThreads = 1;

/** Both runtimes the adapter supports; every runtime-level test runs on each. */
export const runtimes: [string, OrtModule][] = [
  ['onnxruntime-node', ortNode as unknown as OrtModule],
  ['onnxruntime-web', ortWeb as unknown as OrtModule],
];
