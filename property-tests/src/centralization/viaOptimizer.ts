import { dtypeOf, type FloatArray } from '@gcopt/core';
import { channelLayout } from '../oracle/layout.js';
import type { OptimizerBackend } from '../backend.js';
import { allocate } from '../tensor.js';
import type { CentralizationImplementation } from './implementation.js';

/**
 * The GC projection of a backend that only offers optimizers (a fused GPU kernel, a tf.Optimizer):
 * one step of plain SGD with GC (`SGD_GC` for rule 'gc', `SGD_GCC` for 'gcc', `SGDW` for 'none'), lr 1,
 * no momentum or decay, from weights 0, gives `p₁ = 0 − 1·P(g)` — exact in any precision — so
 * `P(g) = 0 − p₁` (exact too, up to the sign of a zero).
 */
export function centralizationViaSgd(name: string, optimizers: OptimizerBackend): CentralizationImplementation {
  return {
    name: `${name} (via one SGD step)`,
    dtypes: optimizers.dtypes,
    outAxes: optimizers.outAxes,
    accumulation: optimizers.accumulation,
    signedZeros: false,
    async centralize(g, { shape, outAxis, rule }) {
      const optimizer = rule === 'gc' ? 'SGD_GC' : rule === 'gcc' ? 'SGD_GCC' : 'SGDW';
      const dtype = dtypeOf(g);
      channelLayout(shape, outAxis); // rejects a zero-length axis before any backend is involved
      const size = shape.reduce((a, b) => a * b, 1);
      const hyper = { lr: 1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
      const inst = await optimizers.create(optimizer, 'first_release', hyper, [
        { name: 'g', shape, outAxis, dtype, data: allocate(dtype, size) },
      ]);
      try {
        await inst.step([g]);
        const [p] = await inst.params();
        return p.map((x) => 0 - x) as FloatArray;
      } finally {
        inst.dispose?.();
      }
    },
  };
}

/** Whether a backend offers the three SGD variants `centralizationViaSgd` needs. */
export function canCentralizeViaSgd(optimizers: OptimizerBackend | undefined): optimizers is OptimizerBackend {
  return !!optimizers && ['SGD_GC', 'SGD_GCC', 'SGDW'].every((n) => optimizers.supports(n, 'first_release'));
}
