import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AsyncReplayBackend, ReplayState } from '@gcopt/core';
import type * as GcTfjs from '@gcopt/tfjs';
import type * as Tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, importOptional } from './backendUnavailable.js';
import { adapterChoice } from './referenceOptions.js';

export type TfjsStepBackend = 'host' | 'tensor';
export type TfBackend = 'cpu' | 'wasm';

/** Loads tfjs-core, the tf backend and @gcopt/tfjs, and makes `tfBackend` the active backend. */
async function loadTfjs(tfBackend: TfBackend): Promise<{ tf: typeof Tf; gc: typeof GcTfjs }> {
  const backend = `tfjs ${tfBackend}`;
  const tf = await importOptional<typeof Tf>('@tensorflow/tfjs-core', backend);
  if (tfBackend === 'cpu') await importOptional('@tensorflow/tfjs-backend-cpu', backend);
  else {
    const wasm = await importOptional<{ setWasmPaths(prefix: string): void }>('@tensorflow/tfjs-backend-wasm', backend);
    // in Node the emscripten loader reads the .wasm files from a path: the installed package's dist folder
    const binary = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    const dist = dirname(binary);
    wasm.setWasmPaths(join(dist, '/') + '/');
  }
  const gc = await importOptional<typeof GcTfjs>('@gcopt/tfjs', backend);
  await useBackend(tf, tfBackend);
  return { tf, gc };
}

async function useBackend(tf: typeof Tf, name: TfBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false;
  }
  if (!ok) throw new BackendUnavailableError(`tfjs: the ${name} backend failed to initialize`);
  await tf.ready();
}

let variableCount = 0;

/**
 * `@gcopt/tfjs` as a `tf.Optimizer`: tf variables in the replayed layout, a rule per variable giving
 * its output axis (the layer defaults off), `applyGradients` with the recorded gradients, the state
 * read through `snapshot()`. `stepBackend` is forced; the active step backend is checked every case. A
 * host case run on the core (a recipe @gcopt/core/fast does not fuse) reports it as its fallback.
 */
export async function tfjsReplayBackend(
  stepBackend: TfjsStepBackend,
  tfBackend: TfBackend,
): Promise<AsyncReplayBackend> {
  const { tf, gc } = await loadTfjs(tfBackend);
  return async (run) => {
    await useBackend(tf, tfBackend);
    const case_ = ++variableCount;
    const names = run.names.map((n) => `replay${case_}/${n}`);
    const tensor = (values: ArrayLike<number>, i: number) =>
      tf.tensor(Float32Array.from(values), [...run.shapes[i]], 'float32');
    const variables = run.init.map((values, i) => tf.variable(tensor(values, i), true, names[i]));
    const adapter = {
      backend: stepBackend,
      layerDefaults: false,
      variables: names.map((name, i) => ({ name, outAxis: run.outAxes[i] })),
      onWarning: run.onWarning,
    };
    const { name, family, options, lookahead } = adapterChoice(run.reference);
    let optimizer: GcTfjs.GcOptimizer | undefined;
    try {
      optimizer = lookahead
        ? new gc.Lookahead({
            optimizer: gc.optimizerByName(name, { ...options, onWarning: run.onWarning }, family),
            ...lookahead,
            ...adapter,
          })
        : gc.optimizerByName(name, { ...options, ...adapter }, family);
      if (optimizer.activeBackend !== stepBackend)
        throw new Error(`the ${optimizer.activeBackend} step backend ran, not ${stepBackend}`);
      const params: Float32Array[][] = [];
      for (const stepGrads of run.grads) {
        const grads = Object.fromEntries(names.map((n, i) => [n, tensor(stepGrads[i], i)]));
        try {
          optimizer.applyGradients(grads);
        } finally {
          Object.values(grads).forEach((g) => g.dispose());
        }
        params.push(variables.map((v) => v.dataSync() as Float32Array).map((d) => d.slice()));
      }
      const snapshot = optimizer.snapshot();
      const byName = new Map(snapshot.params.map((p) => [p.name, p]));
      const state: ReplayState = {
        tensors: names.map((n) => {
          const p = byName.get(n);
          if (!p) throw new Error(`the snapshot has no state for variable '${n}'`);
          return { step: p.step, slots: p.slots };
        }),
      };
      // the host step backend runs the core where @gcopt/core/fast does not fuse the recipe, and says so
      const note = stepBackend === 'host' ? optimizer.hostKernels.note : '';
      return { params, state, ...(note ? { fallback: `@gcopt/tfjs host: ${note}` } : {}) };
    } finally {
      optimizer?.dispose();
      variables.forEach((v) => v.dispose());
    }
  };
}
