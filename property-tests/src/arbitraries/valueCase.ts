import fc from 'fast-check';
import type { DType, FloatArray } from '@gcopt/core';
import { channelIndex, channelLayout } from '../oracle/layout.js';
import { toDType } from '../tensor.js';
import { shapeArb } from './shapes.js';

/** Where a tensor's output channels sit: the first axis, the last, or one strictly in between. */
export type AxisPosition = 'first' | 'last' | 'middle';

/** A parameter of a value case: `gc: false` excludes it from centralization. */
export interface ValueParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly outAxis: number;
  readonly dtype: DType;
  readonly gc?: boolean;
  readonly data: FloatArray;
}

/**
 * How the learning rate reaches the optimizer: its constant `lr`, a schedule function `lr(step)` in
 * the hyper-parameters, or a per-step override (`step(grads, { lr })`).
 */
export type LearningRateMode = 'constant' | 'schedule' | 'override';

export interface ValueProblem {
  readonly params: readonly ValueParam[];
  /** `grads[t][i]`: parameter i's gradient at step t+1, or null (no gradient: the tensor is skipped). */
  readonly grads: readonly (readonly (FloatArray | null)[])[];
  readonly lrMode: LearningRateMode;
  /** Learning rate of each step (schedule / override modes; multiplies the constant one). */
  readonly lrFactors: readonly number[];
}

export interface ValueCaseConstraints {
  readonly dtypes?: readonly DType[];
  /** Axis positions to draw per tensor (default all three). */
  readonly axes?: readonly AxisPosition[];
  /** Draw null gradients (default true). */
  readonly nullGradients?: boolean;
  /** Draw `gc: false` tensors (default true). */
  readonly gcExclusion?: boolean;
  /** Learning-rate modes to draw (default all three). */
  readonly lrModes?: readonly LearningRateMode[];
  /** Most steps (default 8: the RAdam family rectifies from step 6 on). */
  readonly maxSteps?: number;
  /** Largest small tensor in elements (default 96). */
  readonly maxSize?: number;
  /** Add one tensor above the fast path's task chunk (32,768 elements). */
  readonly large?: boolean;
}

/** The fast path splits tensors into tasks of this many elements (threads take tasks). */
export const FAST_PATH_CHUNK = 32_768;

/** mulberry32: a tensor's values come from one drawn seed, so large tensors cost one draw. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/**
 * Gradients on an integer grid scaled by a power of two — (offset_c + z)·2^k, |offset|, |z| ≤ 32 — so
 * every channel sum is exact in either precision and a centred gradient is either exactly 0 or at least
 * 2^k/n away from it: what the oracle's ranges then catch is arithmetic, not conditioning.
 */
function gridValues(seed: number, shape: readonly number[], outAxis: number, dtype: DType): FloatArray {
  const random = seeded(seed);
  const layout = channelLayout(shape, outAxis);
  const scale = 2 ** [-20, 0, 6][int(random, 0, 2)];
  const offsets = Array.from({ length: layout.channels }, () => int(random, -32, 32));
  const out = new Float64Array(layout.size);
  for (let i = 0; i < out.length; i++) out[i] = (offsets[channelIndex(i, layout)] + int(random, -32, 32)) * scale;
  return toDType(dtype, out);
}

/** Initial weights: per-channel offsets up to ±100 plus noise, at scale 1e-3, 1 or 1e2. */
function weightValues(seed: number, shape: readonly number[], outAxis: number, dtype: DType): FloatArray {
  const random = seeded(seed);
  const layout = channelLayout(shape, outAxis);
  const scale = [1e-3, 1, 1e2][int(random, 0, 2)];
  const offsets = Array.from({ length: layout.channels }, () => (random() < 0.3 ? 0 : (random() * 2 - 1) * 100));
  const out = new Float64Array(layout.size);
  for (let i = 0; i < out.length; i++) out[i] = offsets[channelIndex(i, layout)] + (random() * 2 - 1) * scale;
  return toDType(dtype, out);
}

/** `value` once in `rarely + often` draws, else its negation. */
function sometimes(value: boolean, rarely: number, often: number): fc.Arbitrary<boolean> {
  return fc.oneof({ arbitrary: fc.constant(value), weight: rarely }, { arbitrary: fc.constant(!value), weight: often });
}

function axisFor(position: AxisPosition, rank: number, pick: number): number {
  if (position === 'first' || rank === 0) return 0;
  if (position === 'last' || rank < 3) return -1;
  return 1 + (pick % (rank - 2));
}

/**
 * A model for the value property: a conv-like tensor (rank 4–5), a fan-in-1 tensor, a bias (1-D), 0–2
 * more of rank 1–5 and, with `large`, one above 32,768 elements; each with its own output-axis position
 * and maybe `gc: false`; 1–maxSteps steps of gradients (some null) and a learning-rate mode.
 */
export function valueProblemArb(constraints: ValueCaseConstraints = {}): fc.Arbitrary<ValueProblem> {
  const {
    dtypes = ['float32', 'float64'],
    axes = ['first', 'last', 'middle'],
    nullGradients = true,
    gcExclusion = true,
    lrModes = ['constant', 'schedule', 'override'],
    maxSteps = 8,
    maxSize = 96,
    large = false,
  } = constraints;
  const fanInOne = fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.boolean())
    .map(([n, conv]) => (conv ? [n, 1, 1, 1] : [n, 1]));
  const largeShape = fc
    .tuple(fc.integer({ min: 129, max: 140 }), fc.constantFrom([16, 4, 4], [256], [4, 8, 8]))
    .map(([c, rest]) => [c, ...rest]);
  const tensor = (shape: fc.Arbitrary<number[]>) =>
    fc.record({
      shape,
      position: fc.constantFrom(...axes),
      pick: fc.nat(8),
      gc: gcExclusion ? sometimes(false, 1, 4) : fc.constant(true),
    });
  return fc
    .record({
      dtype: fc.constantFrom(...dtypes),
      conv: tensor(shapeArb({ minRank: 4, maxRank: 5, maxSize })),
      oneIn: tensor(fanInOne),
      bias: tensor(fc.integer({ min: 1, max: 12 }).map((n) => [n])),
      extra: fc.array(tensor(shapeArb({ minRank: 1, maxRank: 5, maxSize })), { maxLength: 2 }),
      big: large ? tensor(largeShape).map((t) => [t]) : fc.constant([]),
      steps: fc.integer({ min: 1, max: maxSteps }),
      lrMode: fc.constantFrom(...lrModes),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .chain(({ dtype, conv, oneIn, bias, extra, big, steps, lrMode, seed }) => {
      const tensors = [conv, oneIn, bias, ...extra, ...big];
      const nulls = nullGradients
        ? fc.array(fc.array(sometimes(true, 1, 5), { minLength: tensors.length, maxLength: tensors.length }), {
            minLength: steps,
            maxLength: steps,
          })
        : fc.constant(Array.from({ length: steps }, () => tensors.map(() => false)));
      const factors = fc.array(fc.constantFrom(1, 0.5, 0.25, 2, 0.1), { minLength: steps, maxLength: steps });
      return fc.record({ nulls, factors }).map(({ nulls: skip, factors: lrFactors }): ValueProblem => {
        const params = tensors.map((t, i): ValueParam => {
          // a fan-in-1 [n,1] read channels-last is mirrored, so that GC still zeroes it
          const position = i === 1 && t.position === 'middle' ? 'first' : t.position;
          const shape = i === 1 && position === 'last' ? [...t.shape].reverse() : t.shape;
          const outAxis = axisFor(position, shape.length, t.pick);
          const data = weightValues(seed + 7919 * i, shape, outAxis, dtype);
          return { name: `p${i}`, shape, outAxis, dtype, gc: t.gc, data };
        });
        const grads = skip.map((row, s) =>
          params.map((p, i) => {
            const values = () => gridValues(seed + 104729 * (s + 1) + 7919 * i, p.shape, p.outAxis, dtype);
            return row[i] ? null : values();
          }),
        );
        return { params, grads, lrMode, lrFactors: lrMode === 'constant' ? lrFactors.map(() => 1) : lrFactors };
      });
    });
}
