import fc from 'fast-check';

/** Bounds of the tensor shapes the properties draw. */
export interface ShapeConstraints {
  /** Smallest rank (default 1). */
  minRank?: number;
  /** Largest rank (default 5). */
  maxRank?: number;
  /** Largest number of elements (default 240): keeps each case fast. */
  maxSize?: number;
  /** Largest axis length (default 7). */
  maxDim?: number;
}

/**
 * Tensor shapes of rank `minRank`–`maxRank` with positive axes, size-1 axes drawn often, and the shapes
 * GC treats specially drawn on purpose: `[n,1]` (fan-in 1 in PyTorch layout: GC zeroes it),
 * `[1,n]` (one row loses its mean; fan-in 1 in tfjs layout), `[n,1,1,1]`.
 */
export function shapeArb(constraints: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  const { minRank = 1, maxRank = 5, maxSize = 240, maxDim = 7 } = constraints;
  const dim = fc.oneof(
    { arbitrary: fc.constant(1), weight: 1 },
    { arbitrary: fc.integer({ min: 2, max: maxDim }), weight: 3 },
  );
  const general = fc.array(dim, { minLength: minRank, maxLength: maxRank }).map((dims) => capSize(dims, maxSize));
  const n = fc.integer({ min: 1, max: Math.min(maxDim * 2, maxSize) });
  const special = fc.oneof(
    n.map((k) => [k, 1]),
    n.map((k) => [1, k]),
    n.map((k) => [k, 1, 1, 1]),
  );
  const specialInRange = special.filter((s) => s.length >= minRank && s.length <= maxRank);
  const canSpecial = minRank <= 4 && maxRank >= 2;
  return canSpecial ? fc.oneof({ arbitrary: general, weight: 4 }, { arbitrary: specialInRange, weight: 1 }) : general;
}

/** Shrinks the largest axes until the element count fits. */
function capSize(dims: number[], maxSize: number): number[] {
  const out = [...dims];
  while (out.reduce((a, b) => a * b, 1) > maxSize) {
    const i = out.indexOf(Math.max(...out));
    out[i] = Math.max(1, Math.floor(out[i] / 2));
  }
  return out;
}

/** Shapes with at least one zero-length axis: every implementation must reject them (a channel has no mean). */
export function emptyShapeArb(maxRank = 5): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: maxRank }), fc.nat())
    .map(([dims, k]) => {
      const out = [...dims];
      out[k % out.length] = 0;
      return out;
    });
}
