import type { Transform } from './transform.js';

/** RAdam's length of the approximated SMA at step t, and its maximum. */
export function smaLength(beta2: number, t: number): { n: number; nMax: number } {
  const beta2t = beta2 ** t;
  const nMax = 2 / (1 - beta2) - 1;
  return { n: nMax - (2 * t * beta2t) / (1 - beta2t), nMax };
}

/**
 * The rectification term of RAdam, already divided by the first bias correction (left-to-right as
 * the reference writes it): sqrt((1−β2^t)(N−4)/(Nmax−4)(N−2)/N·Nmax/(Nmax−2)) / (1−β1^t).
 */
export function rectificationFactor(beta1: number, beta2: number, t: number): number {
  const { n, nMax } = smaLength(beta2, t);
  const bc2 = 1 - beta2 ** t;
  return Math.sqrt((((((bc2 * (n - 4)) / (nMax - 4)) * (n - 2)) / n) * nMax) / (nMax - 2)) / (1 - beta1 ** t);
}

export interface RectifyOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** Rectify when N ≥ threshold (`'inclusive'`, RAdam: 5) or N > threshold (`'exclusive'`, Ranger). */
  threshold: number;
  comparison: 'inclusive' | 'exclusive';
}

/**
 * RAdam's direction. Rectified phase: `u = m / (sqrt(v) + eps)` (no bias correction of v, it is
 * inside the factor), `scale ·= r`. SGD phase: `u` **becomes `exp_avg` itself** and `scale ·= 1/(1−β1^t)`,
 * so weight decay and GC applied afterwards are written into the first moment and persist into later
 * steps — the reference's aliasing, kept on purpose (SPEC §5.8).
 */
export function rectify({ beta1, beta2, eps, threshold, comparison }: RectifyOptions): Transform {
  return {
    name: 'rectify',
    descriptor: { kind: 'rectify', beta1, beta2, eps, threshold, comparison },
    apply(ctx) {
      const { t } = ctx;
      const { n } = smaLength(beta2, t);
      const rectified = comparison === 'inclusive' ? n >= threshold : n > threshold;
      const m = ctx.slots.exp_avg;
      if (rectified) {
        const v = ctx.slots.exp_avg_sq;
        const u = ctx.u;
        for (let i = 0; i < u.length; i++) u[i] = m[i] / (Math.sqrt(v[i]) + eps);
        ctx.scale *= rectificationFactor(beta1, beta2, t);
      } else {
        ctx.u = m;
        ctx.scale /= 1 - beta1 ** t;
      }
    },
  };
}
