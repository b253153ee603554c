import { copyOf } from '../tensor/floatArray.js';
import type { Transform } from './transform.js';

/** `slow ← slow + α·(p − slow)`, `p ← slow`. */
function pullTowardsSlow(p: Float32Array | Float64Array, slow: Float32Array | Float64Array, alpha: number) {
  for (let i = 0; i < p.length; i++) {
    slow[i] = slow[i] + (p[i] - slow[i]) * alpha;
    p[i] = slow[i];
  }
}

/**
 * The `Lookahead(optimizer, k, alpha)` wrapper's schedule (docs/ALGORITHMS.md §3.6): a sync after optimizer steps
 * 1, k+1, 2k+1, …; the step-1 sync only takes the slow copy (of the weights *after* step 1).
 * Runs for every parameter, with or without a gradient. The slot starts as a copy of the parameter, not
 * zeros: an adapter that meets a parameter only after step 1 (tfjs names only the variables that have a
 * gradient) makes its state then, and a parameter that had no gradient so far still holds its step-1 value.
 */
export function lookaheadSync(k: number, alpha: number): Transform {
  return {
    name: 'lookaheadSync',
    descriptor: { kind: 'lookaheadSync', k, alpha },
    alsoWithoutGradient: true,
    initSlots: (p) => ({ slow_param: copyOf(p) }),
    apply(ctx) {
      if ((ctx.optimizerStep - 1) % k !== 0) return;
      const slow = ctx.slots.slow_param;
      if (ctx.optimizerStep === 1) slow.set(ctx.p);
      pullTowardsSlow(ctx.p, slow, alpha);
    },
  };
}

/**
 * Ranger's built-in lookahead (docs/ALGORITHMS.md §3.7): slow weights start as the initial weights and sync after
 * this tensor's steps k, 2k, ….
 */
export function rangerLookahead(k: number, alpha: number): Transform {
  return {
    name: 'rangerLookahead',
    descriptor: { kind: 'rangerLookahead', k, alpha },
    initSlots: (p) => ({ slow_buffer: copyOf(p) }),
    apply(ctx) {
      if (ctx.t % k !== 0) return;
      pullTowardsSlow(ctx.p, ctx.slots.slow_buffer, alpha);
    },
  };
}
