/**
 * `@gcopt/tfjs`: the optimizers as `tf.Optimizer`s over tfjs variables, float32. Three registrations:
 * the host engine on the cpu backend (@gcopt/core/fast's kernels, or the core's where they do not fuse), the tensor
 * engine on the cpu backend (the recipe re-expressed as tf ops — its own arithmetic, float32 sums),
 * and the host engine on the wasm backend (values downloaded and uploaded each step).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Lookahead, optimizerByName, type GcOptimizer } from '@gcopt/tfjs';
import type { Backend } from '../../src/index.js';

const quiet = () => {};
let made = 0;
let wasmPathsSet = false;

/** Switches tfjs's (process-wide) backend; instances are made and stepped one at a time. */
async function useTfBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  if (name === 'wasm' && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    setWasmPaths(join(dirname(wasmFile), '/') + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialize`);
  await tf.ready();
}

type Engine = 'host' | 'tensor';
type Variables = { name: string; outAxis: number; gc?: boolean }[];

type Family = 'first_release' | 'advanced' | 'wrapper';

type Hyper = Record<string, any>;

function build(name: string, family: Family, hyper: Hyper, variables: Variables, engine: Engine): GcOptimizer {
  const wrapped = /^Lookahead\((\w+)\)$/.exec(name);
  if (wrapped) {
    const inner = optimizerByName(wrapped[1], { ...hyper.inner, onWarning: quiet, backend: engine }, 'advanced');
    return new Lookahead({
      optimizer: inner,
      k: hyper.k,
      alpha: hyper.alpha,
      variables,
      onWarning: quiet,
      backend: engine,
    } as never);
  }
  const options = { ...hyper, variables, onWarning: quiet, backend: engine };
  return optimizerByName(name, options, family === 'wrapper' ? undefined : family);
}

/** Options valid for each optimizer, only to ask whether the engine can run its recipe. */
const sampleHyper = (name: string) =>
  name.startsWith('Lookahead') ? { inner: { lr: 0.1 }, k: 2, alpha: 0.5 } : { lr: 0.1 };

function tfjsBackend(tfBackend: 'cpu' | 'wasm', engine: Engine): Backend {
  return {
    name: `@gcopt/tfjs${engine === 'tensor' ? ' tensor engine' : ''}${tfBackend === 'wasm' ? ' wasm' : ''}`,
    optimizers: {
      dtypes: ['float32'],
      // the host engine runs @gcopt/core/fast's kernels or the core's stepInPlace (channel sums in float64 on both);
      // the tensor engine sums with tf ops in float32
      accumulation: engine === 'host' ? 'float64' : 'float32',
      valueCases: { nullGradients: true, gcExclusion: true, schedules: true, middleAxis: true },
      supports(name, family) {
        if (engine === 'host') return true;
        try {
          build(name, family, sampleHyper(name), [], engine).dispose();
          return true;
        } catch {
          return false;
        }
      },
      async create(name, family, hyper, params) {
        await useTfBackend(tfBackend);
        // tfjs variable names are global: each instance gets its own prefix
        const prefix = `property-tests-${made++}`;
        const vars = params.map((p) =>
          tf.variable(tf.tensor(Float32Array.from(p.data), [...p.shape], 'float32'), true, `${prefix}/${p.name}`),
        );
        const variables = params.map((p) => ({
          name: `${prefix}/${p.name}`,
          outAxis: p.outAxis,
          ...(p.gc === false ? { gc: false } : {}),
        }));
        const opt = build(name, family, hyper, variables, engine);
        let lrOverride: number | undefined;
        return {
          step(grads, options) {
            // tfjs takes no per-step learning rate: a constant schedule gives it (Ranger rejects lr = 0 as a number)
            if (options?.lr !== undefined && options.lr !== lrOverride) {
              lrOverride = options.lr;
              const lr = options.lr;
              opt.setLearningRate(() => lr);
            }
            tf.tidy(() => {
              // a variable without a gradient is left out of the map, as tfjs's own optimizers see it
              const named = params.flatMap((p, i) => {
                const g = grads[i];
                if (g === null) return [];
                return [[vars[i].name, tf.tensor(Float32Array.from(g), [...p.shape], 'float32')] as const];
              });
              opt.applyGradients(Object.fromEntries(named));
            });
          },
          params: () => vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)),
          dispose() {
            opt.dispose();
            vars.forEach((v) => v.dispose());
          },
        };
      },
    },
  };
}

await useTfBackend('cpu');

export const tfjsBackends: Backend[] = [
  tfjsBackend('cpu', 'host'),
  tfjsBackend('cpu', 'tensor'),
  tfjsBackend('wasm', 'host'),
];
