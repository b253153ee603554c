import { Checker } from '../validation.js';
import type { LearningRate } from '../types.js';

/** Resolved hyper-parameters of the Adam family. */
export interface AdamHyper {
  /** Default 1e-3. */
  lr: LearningRate;
  /** Default [0.9, 0.999]. */
  betas: [number, number];
  /** Default 1e-8. */
  eps: number;
  /** Default 0 (advanced AdamW: 1e-2). */
  weightDecay: number;
  /** Default false. */
  amsgrad: boolean;
}

export interface AdamParseOptions {
  /** The advanced Adam/AdamW also reject a negative weight decay; the first release does not. */
  checkWeightDecay: boolean;
  defaultWeightDecay?: number;
}

/** Adam-family defaults and checks, in the reference's order (docs/ALGORITHMS.md §4). */
export function parseAdamOptions(name: string, o: Partial<AdamHyper>, how: AdamParseOptions): AdamHyper {
  const c = new Checker(name);
  const lr = c.learningRate(
    o.lr ?? 1e-3,
    (v) => v >= 0,
    (v) => `Invalid learning rate: ${v}`,
  );
  const eps = c.check(
    'eps',
    o.eps ?? 1e-8,
    (v) => v >= 0,
    (v) => `Invalid epsilon value: ${v}`,
  );
  const betas = c.betas(o.betas ?? [0.9, 0.999], true);
  const weightDecay = how.checkWeightDecay
    ? c.check(
        'weightDecay',
        o.weightDecay ?? how.defaultWeightDecay ?? 0,
        (v) => v >= 0,
        (v) => `Invalid weight_decay value: ${v}`,
      )
    : c.number('weightDecay', o.weightDecay ?? how.defaultWeightDecay ?? 0, () => 'weightDecay must be a number');
  const amsgrad = c.boolean('amsgrad', o.amsgrad ?? false);
  return { lr, betas, eps, weightDecay, amsgrad };
}

export const ADAM_OPTION_NAMES = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;
