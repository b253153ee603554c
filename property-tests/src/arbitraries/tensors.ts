import fc from 'fast-check';
import type { DType } from '@gcopt/core';
import { channelLayout } from '../oracle/layout.js';
import { channelOf, toDType, type TensorSpec } from '../tensor.js';
import { shapeArb, type ShapeConstraints } from './shapes.js';

/** The two layouts gcopt meets: PyTorch/ONNX (`outAxis` 0) and tfjs (`outAxis` -1, the last axis). */
export type OutAxisChoice = 0 | -1;

/** Bounds of the tensors the properties draw: shapes, dtypes and layouts. */
export interface TensorConstraints extends ShapeConstraints {
  /** Default both. */
  dtypes?: readonly DType[];
  /** Default both layouts. */
  outAxes?: readonly OutAxisChoice[];
}

/**
 * How values are drawn: `offset[c] + scale·noise`, noise on a 1e-6 grid in [−1, 1] (mixed signs,
 * exact zeros, never subnormal), one offset per output channel (0, or up to ±1e3, so GC has a large
 * effect and precision is tested), and a scale of 1, 1e3 (large) or 1e-12 (tiny values).
 */
export interface ValueRecipe {
  readonly scale: number;
  readonly offsets: readonly number[];
  readonly noise: readonly number[];
}

const scaleArb = fc.constantFrom(1, 1e3, 1e-12);
const offsetArb = fc.oneof(fc.constant(0), fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }));
const noiseArb = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 1_000_000);

/** Values for a tensor of `size` elements and `channels` output channels, as a `ValueRecipe`. */
export function valueRecipeArb(size: number, channels: number): fc.Arbitrary<ValueRecipe> {
  return fc.record({
    scale: scaleArb,
    offsets: fc.array(offsetArb, { minLength: channels, maxLength: channels }),
    noise: fc.array(noiseArb, { minLength: size, maxLength: size }),
  });
}

export function valuesFrom(recipe: ValueRecipe, shape: readonly number[], outAxis: number, dtype: DType) {
  const layout = channelLayout(shape, outAxis);
  const values = recipe.noise.map((z, i) => recipe.offsets[channelOf(i, layout)] + recipe.scale * z);
  return toDType(dtype, values);
}

/** A tensor: a shape (ranks 1–5 by default), a layout, a dtype, and values per `ValueRecipe`. */
export function tensorArb(constraints: TensorConstraints = {}): fc.Arbitrary<TensorSpec> {
  const dtypes = constraints.dtypes ?? ['float32', 'float64'];
  const outAxes = constraints.outAxes ?? [0, -1];
  return fc
    .record({ shape: shapeArb(constraints), outAxis: fc.constantFrom(...outAxes), dtype: fc.constantFrom(...dtypes) })
    .chain(({ shape, outAxis, dtype }) => {
      const layout = channelLayout(shape, outAxis);
      return valueRecipeArb(layout.size, layout.channels).map(
        (recipe): TensorSpec => ({ shape, outAxis, dtype, data: valuesFrom(recipe, shape, outAxis, dtype) }),
      );
    });
}

/** `count` more tensors with the same shape, layout and dtype as `t` (for linearity, adjointness…). */
export function sameShapeArb(t: TensorSpec, count: number): fc.Arbitrary<TensorSpec[]> {
  const layout = channelLayout(t.shape, t.outAxis);
  return fc.array(
    valueRecipeArb(layout.size, layout.channels).map(
      (r): TensorSpec => ({ ...t, data: valuesFrom(r, t.shape, t.outAxis, t.dtype) }),
    ),
    { minLength: count, maxLength: count },
  );
}
