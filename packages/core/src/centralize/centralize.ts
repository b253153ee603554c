import type { NdArray } from 'ndarray';
import type { FloatArray } from '../tensor/floatArray.js';
import { layoutOf } from '../tensor/layout.js';
import { cloneContiguous } from '../tensor/ndarrayViews.js';
import { emitWarning, zeroedGradientWarning, type WarningHandler } from '../warnings.js';
import { centralizeInPlace } from './centralizeInPlace.js';
import { gcApplies, type GcRule } from './gcRule.js';

/** Options of `centralize`: where the output channels are and which ranks are centred. */
export interface CentralizeOptions {
  /** Axis of the output channels (negative counts from the end). PyTorch/ONNX: 0; tfjs: -1. */
  outAxis: number;
  /** Which ranks are centred (default `'gc'`: rank ≥ 2). */
  rule?: GcRule;
  /** Receives the one-time fan-in-1 warning instead of the global handler. */
  onWarning?: WarningHandler;
}

const warnedBuffers = new WeakSet<ArrayBufferLike>();

/**
 * Gradient Centralization as a projection: returns a new contiguous ndarray equal to `x` minus, for
 * each index along `outAxis`, the mean over all other axes — or an unchanged copy when the rank
 * rule does not apply (rank 1 always; rank < 4 under `'gcc'`). The input is never modified.
 *
 * `P = centralize` is linear, idempotent, self-adjoint and never increases the norm: it is the
 * orthogonal projection onto the gradients whose every output slice has zero mean.
 *
 * @example
 * const g = ndarray(new Float64Array([1, 2, 3, 10, 20, 30]), [2, 3]);
 * centralize(g, { outAxis: 0 }).data; // Float64Array [-1, 0, 1, -10, 0, 10]
 */
export function centralize(x: NdArray, options: CentralizeOptions): NdArray<FloatArray> {
  const rule = options.rule ?? 'gc';
  const layout = layoutOf(x.shape, options.outAxis);
  const out = cloneContiguous(x);
  if (!gcApplies(layout.rank, rule)) return out;
  // warn once per source buffer: the same tensor centralized every step warns only the first time
  const source = (x.data as FloatArray).buffer;
  if (layout.fanIn === 1 && !warnedBuffers.has(source)) {
    warnedBuffers.add(source);
    emitWarning(zeroedGradientWarning(layout.shape, layout.outAxis), options.onWarning);
  }
  centralizeInPlace(out.data, layout);
  return out;
}
