import { secondMoment } from './adamMoments.js';
import type { Transform } from './transform.js';

/**
 * Where eps sits and how the bias corrections enter, the two variants of the reference (SPEC §5.4):
 * - `'bias-corrected-eps'` (first-release Adam_*, advanced Adam/AdamW):
 *   `u = m / (sqrt(v̂)/sqrt(1−β2^t) + eps)`, `scale ·= 1/(1−β1^t)`;
 * - `'raw-eps'` (first-release AdamW*): `u = m / (sqrt(v̂) + eps)`, `scale ·= sqrt(1−β2^t)/(1−β1^t)`.
 */
export type AdamEpsPlacement = 'bias-corrected-eps' | 'raw-eps';

export interface ScaleByAdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  amsgrad?: boolean;
  epsPlacement: AdamEpsPlacement;
}

/** Replaces `u` by Adam's normalized direction from the moments kept by `adamMoments`. */
export function scaleByAdam({ beta1, beta2, eps, amsgrad = false, epsPlacement }: ScaleByAdamOptions): Transform {
  return {
    name: `scaleByAdam(${epsPlacement})`,
    descriptor: { kind: 'scaleByAdam', beta1, beta2, eps, amsgrad, epsPlacement },
    apply(ctx) {
      const { u, t } = ctx;
      const m = ctx.slots.exp_avg;
      const v = secondMoment(ctx.slots, amsgrad);
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      if (epsPlacement === 'bias-corrected-eps') {
        const sqrtBc2 = Math.sqrt(bc2);
        for (let i = 0; i < u.length; i++) u[i] = m[i] / (Math.sqrt(v[i]) / sqrtBc2 + eps);
        ctx.scale /= bc1;
      } else {
        for (let i = 0; i < u.length; i++) u[i] = m[i] / (Math.sqrt(v[i]) + eps);
        ctx.scale *= Math.sqrt(bc2) / bc1;
      }
    },
  };
}
