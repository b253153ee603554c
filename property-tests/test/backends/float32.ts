/** `@gcopt/float32`: optimizers over a model of named Float32Arrays, stepped in place. */
import { createOptimizer } from '@gcopt/float32';
import type { Backend } from '../../src/index.js';

const quiet = () => {};

export const float32Backend: Backend = {
  name: '@gcopt/float32',
  optimizers: {
    dtypes: ['float32'],
    // its default backend runs @gcopt/core/fast's kernels (fused recipes) or the core's: channel sums in
    // float64 on both (packages/core/README.md, the precision of the channel mean)
    accumulation: 'float64',
    describesState: true,
    valueCases: { nullGradients: true, gcExclusion: true, schedules: true, middleAxis: true },
    supports: () => true,
    create(name, family, hyper, params) {
      const model = params.map((p) => ({
        name: p.name,
        shape: [...p.shape],
        data: Float32Array.from(p.data),
        outAxis: p.outAxis,
        ...(p.gc === false ? { gc: false } : {}),
      }));
      const wrapped = /^Lookahead\((\w+)\)$/.exec(name);
      const opt = wrapped
        ? createOptimizer(
            wrapped[1],
            { ...hyper.inner, family: 'advanced', lookahead: { k: hyper.k, alpha: hyper.alpha }, onWarning: quiet },
            model,
          )
        : createOptimizer(
            name,
            { ...hyper, family: family === 'wrapper' ? undefined : family, onWarning: quiet },
            model,
          );
      return {
        step(grads, options) {
          // null: no gradient for that parameter this step
          const byName = Object.fromEntries(params.map((p, i) => [p.name, grads[i] as Float32Array | null]));
          opt.step(byName, options?.lr === undefined ? undefined : { lr: options.lr });
        },
        params: () => model.map((m) => m.data.slice()),
        stateShapes: () =>
          opt.state().params.map((p) => ({
            name: p.name,
            shape: p.shape,
            outAxis: p.outAxis,
            slots: Object.fromEntries(
              Object.entries(p.slots).map(([k, v]) => [k, `${v.constructor.name}[${v.length}]`]),
            ),
          })),
      };
    },
  },
};
