import { zerosLike } from '../tensor/floatArray.js';
import type { Transform } from './transform.js';

export interface MomentOptions {
  beta1: number;
  beta2: number;
  /** Also keep the running maximum of the second moment (`max_exp_avg_sq`). */
  amsgrad?: boolean;
}

/**
 * Adam's moment estimates: `m ← β1·m + (1−β1)·u`, `v ← β2·v + (1−β2)·u²`, and with amsgrad
 * `v_max ← max(v_max, v)`. Leaves `u` as it is.
 */
export function adamMoments({ beta1, beta2, amsgrad = false }: MomentOptions): Transform {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  return {
    name: 'adamMoments',
    descriptor: { kind: 'adamMoments', beta1, beta2, amsgrad },
    initSlots: (p) => {
      const slots: Record<string, typeof p> = { exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
      if (amsgrad) slots.max_exp_avg_sq = zerosLike(p);
      return slots;
    },
    apply(ctx) {
      const { u } = ctx;
      const m = ctx.slots.exp_avg;
      const v = ctx.slots.exp_avg_sq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = beta1 * m[i] + c1 * g;
        v[i] = beta2 * v[i] + c2 * (g * g);
      }
      if (amsgrad) {
        const vmax = ctx.slots.max_exp_avg_sq;
        for (let i = 0; i < u.length; i++) if (v[i] > vmax[i]) vmax[i] = v[i];
      }
    },
  };
}

/** The second moment Adam divides by: `max_exp_avg_sq` with amsgrad, else `exp_avg_sq`. */
export function secondMoment(slots: Record<string, Float32Array | Float64Array>, amsgrad: boolean) {
  return amsgrad ? slots.max_exp_avg_sq : slots.exp_avg_sq;
}
