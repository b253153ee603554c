/** `@gcopt/tfjs`: the optimizers as `tf.Optimizer`s over tfjs variables (cpu backend, float32). */
import * as tf from '@tensorflow/tfjs';
import { Lookahead, optimizerByName, type GcOptimizer } from '@gcopt/tfjs';
import type { Backend } from '../../src/index.js';

await tf.setBackend('cpu');
const quiet = () => {};
let made = 0;

function build(name: string, family: 'first_release' | 'advanced' | 'wrapper', hyper: Record<string, any>, variables: object[]): GcOptimizer {
  const wrapped = /^Lookahead\((\w+)\)$/.exec(name);
  if (wrapped) {
    const inner = optimizerByName(wrapped[1], { ...hyper.inner, onWarning: quiet }, 'advanced');
    return new Lookahead({ optimizer: inner, k: hyper.k, alpha: hyper.alpha, variables, onWarning: quiet } as never);
  }
  return optimizerByName(name, { ...hyper, variables, onWarning: quiet }, family === 'wrapper' ? undefined : family);
}

export const tfjsBackend: Backend = {
  name: '@gcopt/tfjs',
  optimizers: {
    dtypes: ['float32'],
    // the adapter runs the core's stepInPlace on the host: sums in float64
    accumulation: 'float64',
    supports: () => true,
    create(name, family, hyper, params) {
      // tfjs variable names are global: each instance gets its own prefix
      const prefix = `property-tests-${made++}`;
      const vars = params.map((p) => tf.variable(tf.tensor(Float32Array.from(p.data), [...p.shape], 'float32'), true, `${prefix}/${p.name}`));
      const variables = params.map((p) => ({ name: `${prefix}/${p.name}`, outAxis: p.outAxis }));
      const opt = build(name, family, hyper, variables);
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
            opt.applyGradients(Object.fromEntries(params.map((p, i) => [vars[i].name, tf.tensor(Float32Array.from(grads[i]), [...p.shape], 'float32')])));
          });
        },
        params: () => vars.map((v) => v.dataSync() as Float32Array).map((d) => Float32Array.from(d)),
        dispose() {
          opt.dispose();
          vars.forEach((v) => v.dispose());
        },
      };
    },
  },
};
