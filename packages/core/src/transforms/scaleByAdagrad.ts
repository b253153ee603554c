import type { Transform } from './transform.js';

export interface AdagradOptions {
  lrDecay: number;
  eps: number;
  initialAccumulatorValue: number;
}

/**
 * Adagrad: `sum ← sum + u²`, `u ← u / (sqrt(sum) + eps)`, `scale ·= 1/(1 + (t−1)·lrDecay)`.
 * The accumulator starts at `initialAccumulatorValue`.
 */
export function scaleByAdagrad({ lrDecay, eps, initialAccumulatorValue }: AdagradOptions): Transform {
  return {
    name: 'scaleByAdagrad',
    descriptor: { kind: 'scaleByAdagrad', lrDecay, eps, initialAccumulatorValue },
    initSlots: (p) => {
      const sum = p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
      sum.fill(initialAccumulatorValue);
      return { sum };
    },
    apply(ctx) {
      const { u } = ctx;
      const sum = ctx.slots.sum;
      for (let i = 0; i < u.length; i++) {
        sum[i] += u[i] * u[i];
        u[i] = u[i] / (Math.sqrt(sum[i]) + eps);
      }
      ctx.scale /= 1 + (ctx.t - 1) * lrDecay;
    },
  };
}
