import fc from 'fast-check';
import type { DType, FloatArray } from '@gcopt/core';
import { channelLayout } from '../oracle/layout.js';
import type { ParamSpec } from '../optimizer/instance.js';
import { shapeArb } from './shapes.js';
import { valueRecipeArb, valuesFrom, type OutAxisChoice } from './tensors.js';

/** A training problem for an optimizer: parameters and `steps` gradients per parameter. */
export interface TrainingCase {
  readonly params: readonly ParamSpec[];
  /** `grads[t][i]`: the gradient of parameter i at step t+1. */
  readonly grads: readonly (readonly FloatArray[])[];
}

/** Bounds of the training cases (parameters, gradient sequences, steps) the optimizer properties draw. */
export interface TrainingCaseConstraints {
  dtypes?: readonly DType[];
  outAxes?: readonly OutAxisChoice[];
  /** Most steps (default 8: the RAdam family rectifies from step 6 on, so both phases are covered). */
  maxSteps?: number;
  /** Largest parameter, in elements (default 96). */
  maxSize?: number;
}

/**
 * One dtype and one layout for the whole model; parameters: a conv-like tensor of rank 4–5 (every GC
 * rule applies), a fan-in-1 tensor (`[n,1]` / `[n,1,1,1]`, or `[1,n]` / `[1,1,1,n]` channels-last: GC
 * zeroes its gradient), and 0–2 more of rank 1–5 (biases included). Gradients: fresh values per step,
 * each with its own per-channel offsets (up to ±1e3), tiny and large scales, mixed signs.
 */
export function trainingCaseArb(constraints: TrainingCaseConstraints = {}): fc.Arbitrary<TrainingCase> {
  const { dtypes = ['float32', 'float64'], outAxes = [0, -1], maxSteps = 8, maxSize = 96 } = constraints;
  const fanInOne = fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.boolean())
    .map(([n, conv]) => (conv ? [n, 1, 1, 1] : [n, 1]));
  return fc
    .record({
      dtype: fc.constantFrom(...dtypes),
      outAxis: fc.constantFrom(...outAxes),
      shapes: fc.tuple(
        shapeArb({ minRank: 4, maxRank: 5, maxSize }),
        fanInOne,
        fc.array(shapeArb({ minRank: 1, maxRank: 5, maxSize }), { maxLength: 2 }),
      ),
      steps: fc.integer({ min: 1, max: maxSteps }),
    })
    .chain(({ dtype, outAxis, shapes: [conv, oneIn, extra], steps }) => {
      // channels-last layouts get the mirrored fan-in-1 shape
      const shapes = [conv, outAxis === 0 ? oneIn : [...oneIn].reverse(), ...extra];
      const layouts = shapes.map((s) => channelLayout(s, outAxis));
      const recipes = layouts.map((l) => valueRecipeArb(l.size, l.channels));
      return fc
        .record({
          init: fc.tuple(...recipes),
          grads: fc.array(fc.tuple(...recipes), { minLength: steps, maxLength: steps }),
        })
        .map(
          ({ init, grads }): TrainingCase => ({
            params: shapes.map((shape, i) => ({
              name: `p${i}`,
              shape,
              outAxis,
              dtype,
              data: valuesFrom(init[i], shape, outAxis, dtype),
            })),
            grads: grads.map((step) => step.map((r, i) => valuesFrom(r, shapes[i], outAxis, dtype))),
          }),
        );
    });
}
