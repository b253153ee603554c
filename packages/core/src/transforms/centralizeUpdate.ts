import { centralizeInPlace } from '../centralize/centralizeInPlace.js';
import { gcApplies, type GcRule } from '../centralize/gcRule.js';
import type { Transform } from './transform.js';

/**
 * GC of the working update (the gradient, or the update direction, depending on where the recipe
 * puts it), for tensors whose rank the rule covers and that the caller did not exclude.
 */
export function centralizeUpdate(rule: GcRule): Transform {
  const centralizes = (rank: number, gcEnabled: boolean) => gcEnabled && gcApplies(rank, rule);
  return {
    name: `centralize(${rule})`,
    descriptor: { kind: 'centralize', rule },
    centralizes: (layout, gcEnabled) => centralizes(layout.rank, gcEnabled),
    apply(ctx) {
      if (centralizes(ctx.layout.rank, ctx.gcEnabled)) centralizeInPlace(ctx.u, ctx.layout, ctx.scratch);
    },
  };
}
