// Test backends: tfjs's pure-JS cpu backend and the wasm backend (its .wasm files are read from the
// installed package's dist folder; in Node the emscripten loader reads a file path).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKENDS = ['cpu', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

let wasmReady = false;

export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'wasm' && !wasmReady) {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(join(dist, '/') + '/');
    wasmReady = true;
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend ${name} failed to initialize`);
  await tf.ready();
}

/** Reproducible initial weights and data: the examples' mulberry32 generator. */
export { seededRandom as seeded } from '@gcopt/mnist-data';

export function randomArray(n: number, random: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}
