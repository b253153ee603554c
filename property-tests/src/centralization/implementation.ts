import type { DType, FloatArray } from '@gcopt/core';
import type { CentralizeRequest } from '../tensor.js';

/**
 * A Gradient Centralization implementation under test: `centralize` returns `P(g)` as a new
 * row-major array of `g`'s dtype (or a promise of one, for GPU backends), leaves `g` unchanged,
 * and throws for a shape with a zero-length axis.
 */
export interface CentralizationImplementation {
  /** Shown in reports. */
  readonly name: string;
  /** Storage dtypes it handles (default both). */
  readonly dtypes?: readonly DType[];
  /** Output axes it handles: 0 and/or -1 (default both). */
  readonly outAxes?: readonly (0 | -1)[];
  /**
   * Precision its per-channel sums accumulate in; sets the tolerances (`tolerance.ts`).
   * Default: the storage dtype (the worst case: a float32 kernel summing in float32).
   */
  readonly accumulation?: DType | 'storage';
  /**
   * false if it cannot preserve the sign of a zero (e.g. `centralizationViaSgd`): pass-through is then
   * checked value for value (+0 = −0) instead of bit for bit. Default true.
   */
  readonly signedZeros?: boolean;
  centralize(g: FloatArray, request: CentralizeRequest): FloatArray | Promise<FloatArray>;
}
