import { Checker } from '../validation.js';
import type { LearningRate } from '../types.js';

/** Resolved hyper-parameters of the SGD family. */
export interface SgdHyper {
  /** Required: the reference has no default. */
  lr: LearningRate;
  /** Default 0 (no momentum, no state). */
  momentum: number;
  /** Default 0; not applied on the first step (the buffer starts as the update). */
  dampening: number;
  /** Default 0. Coupled L2 in SGD_GC/adv. SGD, decoupled in SGDW*. */
  weightDecay: number;
  /** Default false; needs momentum > 0 and dampening 0. */
  nesterov: boolean;
}

/** Options of the SGD family (`lr` required, as in the reference). */
export type SgdOptions = Partial<SgdHyper> & { lr: LearningRate };

/** SGD-family defaults and checks, in the reference's order (docs/ALGORITHMS.md §4). */
export function parseSgdOptions(name: string, o: Partial<SgdHyper>): SgdHyper {
  const c = new Checker(name);
  const lr = c.learningRate(
    o.lr,
    (v) => v >= 0,
    (v) => `Invalid learning rate: ${v}`,
  );
  const momentum = c.check(
    'momentum',
    o.momentum ?? 0,
    (v) => v >= 0,
    (v) => `Invalid momentum value: ${v}`,
  );
  const dampening = c.number('dampening', o.dampening ?? 0, () => 'dampening must be a number');
  const weightDecay = c.check(
    'weightDecay',
    o.weightDecay ?? 0,
    (v) => v >= 0,
    (v) => `Invalid weight_decay value: ${v}`,
  );
  const nesterov = c.boolean('nesterov', o.nesterov ?? false);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    c.fail('nesterov', nesterov, 'Nesterov momentum requires a momentum and zero dampening');
  }
  return { lr, momentum, dampening, weightDecay, nesterov };
}

export const SGD_OPTION_NAMES = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;
