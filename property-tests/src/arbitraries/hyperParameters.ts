import fc from 'fast-check';

/**
 * Valid hyper-parameters per optimizer family, in gcopt's camelCase option names. "Valid" as the
 * reference accepts them, restricted to well-conditioned ranges where the reference allows degenerate
 * ones: eps > 0 (eps = 0 divides 0 by 0 on a zero gradient), β2 ≥ 0.9 (the Adam direction bound
 * needs β2 > 0), momentum and dampening in [0, 1), lr·wd ≤ 0.01.
 */
const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const sometimesZero = (arb: fc.Arbitrary<number>) => fc.oneof(fc.constant(0), arb);

export const learningRateArb = positive(1e-4, 0.1);
export const weightDecayArb = sometimesZero(positive(1e-4, 0.1));
export const betasArb = fc.tuple(
  fc.double({ min: 0, max: 0.95, noNaN: true }),
  fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
);
export const epsArb = fc.constantFrom(1e-8, 1e-6, 1e-3);

export interface SgdHyperValues {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export const sgdHyperArb: fc.Arbitrary<SgdHyperValues> = fc
  .record({
    lr: learningRateArb,
    momentum: sometimesZero(fc.double({ min: 0.1, max: 0.99, noNaN: true })),
    dampening: sometimesZero(fc.double({ min: 0, max: 0.9, noNaN: true })),
    weightDecay: weightDecayArb,
    nesterov: fc.boolean(),
  })
  // Nesterov needs momentum > 0 and zero dampening
  .map((h) => (h.nesterov ? { ...h, momentum: h.momentum || 0.9, dampening: 0 } : h));

export interface AdamHyperValues {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

export const adamHyperArb: fc.Arbitrary<AdamHyperValues> = fc.record({
  lr: learningRateArb,
  betas: betasArb,
  eps: epsArb,
  weightDecay: weightDecayArb,
  amsgrad: fc.boolean(),
});

export const adagradHyperArb = fc.record({
  lr: learningRateArb,
  lrDecay: sometimesZero(positive(1e-4, 0.1)),
  weightDecay: weightDecayArb,
  initialAccumulatorValue: sometimesZero(positive(1e-3, 1)),
  eps: fc.constantFrom(1e-10, 1e-6, 1e-3),
});

export const gcFlagsArb = fc.record({ useGc: fc.boolean(), gcConvOnly: fc.boolean() });
export const gcLocArb = fc.record({ gcLoc: fc.boolean() });

export const advancedSgdHyperArb = fc.tuple(sgdHyperArb, gcFlagsArb).map(([a, b]) => ({ ...a, ...b }));
export const advancedAdamHyperArb = fc
  .tuple(adamHyperArb, gcFlagsArb, gcLocArb)
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const radamHyperArb = fc
  .tuple(
    fc.record({ lr: learningRateArb, betas: betasArb, eps: epsArb, weightDecay: weightDecayArb }),
    gcFlagsArb,
    gcLocArb,
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const rangerHyperArb = fc
  .tuple(
    fc.record({
      lr: learningRateArb,
      alpha: fc.double({ min: 0, max: 1, noNaN: true }),
      k: fc.integer({ min: 1, max: 8 }),
      nSmaThreshold: fc.double({ min: 4, max: 6, noNaN: true }),
      betas: betasArb,
      eps: fc.constantFrom(1e-8, 1e-5, 1e-3),
      weightDecay: weightDecayArb,
    }),
    gcFlagsArb,
    gcLocArb,
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

export const lookaheadArb = fc.record({
  k: fc.integer({ min: 1, max: 5 }),
  alpha: fc.double({ min: 0, max: 1, noNaN: true }),
});
