import { zerosLike } from '../tensor/floatArray.js';
import type { Transform } from './transform.js';

export interface MomentumOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/**
 * Heavy-ball / Nesterov momentum as torch.optim.SGD does it: the buffer starts as a copy of the
 * first update (no dampening on the first step), then `buf ← μ·buf + (1−dampening)·u`;
 * the update becomes `u + μ·buf` (Nesterov) or `buf`. No state and no effect when μ = 0.
 */
export function sgdMomentum({ momentum, dampening, nesterov }: MomentumOptions): Transform {
  const descriptor = { kind: 'sgdMomentum', momentum, dampening, nesterov } as const;
  if (momentum === 0) return { name: 'noMomentum', descriptor, apply() {} };
  return {
    name: 'sgdMomentum',
    descriptor,
    initSlots: (p) => ({ momentum_buffer: zerosLike(p) }),
    apply(ctx) {
      const { u } = ctx;
      const buf = ctx.slots.momentum_buffer;
      if (ctx.t === 1) buf.set(u);
      else for (let i = 0; i < u.length; i++) buf[i] = momentum * buf[i] + (1 - dampening) * u[i];
      if (nesterov) for (let i = 0; i < u.length; i++) u[i] += momentum * buf[i];
      else u.set(buf);
    },
  };
}
