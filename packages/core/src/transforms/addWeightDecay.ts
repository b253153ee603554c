import type { Transform } from './transform.js';

/**
 * `u ← u + wd·p`. Where it sits in a recipe decides what it means: before the moments it is the
 * coupled L2 term of SGD_GC/Adam_GC (and GC after it centres the decay too, SPEC §5.2); after the
 * Adam direction it is AdamW's decay (centred too by the *2 variants, §5.3).
 */
export function addWeightDecay(weightDecay: number): Transform {
  return {
    name: 'addWeightDecay',
    descriptor: { kind: 'addWeightDecay', weightDecay },
    apply(ctx) {
      if (weightDecay === 0) return;
      const { u, p } = ctx;
      for (let i = 0; i < u.length; i++) u[i] += weightDecay * p[i];
    },
  };
}
