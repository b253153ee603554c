import type { Transform } from './transform.js';

/** `scale ← scale · lr`. */
export function scaleByLearningRate(): Transform {
  return {
    name: 'scaleByLearningRate',
    descriptor: { kind: 'scaleByLearningRate' },
    apply(ctx) {
      ctx.scale *= ctx.lr;
    },
  };
}

/** `p ← p − scale·u`: the end of every recipe's gradient step. */
export function applyUpdate(): Transform {
  return {
    name: 'applyUpdate',
    descriptor: { kind: 'applyUpdate' },
    apply(ctx) {
      const { p, u, scale } = ctx;
      for (let i = 0; i < p.length; i++) p[i] -= scale * u[i];
    },
  };
}

/**
 * SGDW's step: `p ← (p − scale·u) − (wd·lr)·p_old`, the decoupled decay taken from the weights before
 * the step and left out of momentum and GC (SPEC §2.2, §5.20).
 */
export function applyUpdateWithDecoupledDecay(weightDecay: number): Transform {
  return {
    name: 'applyUpdateWithDecoupledDecay',
    descriptor: { kind: 'applyUpdateWithDecoupledDecay', weightDecay },
    apply(ctx) {
      const { p, u, scale } = ctx;
      const decay = weightDecay * ctx.lr;
      for (let i = 0; i < p.length; i++) {
        const old = p[i];
        p[i] = old - scale * u[i] - decay * old;
      }
    },
  };
}
