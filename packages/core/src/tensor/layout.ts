import { InvalidArgumentError } from '../errors.js';

/**
 * Where a tensor's output channels are. A row-major tensor of `shape` is seen as
 * `[outer, channels, inner]` around `outAxis`: element `(o, c, i)` sits at `(o*channels + c)*inner + i`.
 * PyTorch / ONNX Conv layout (`[out, in, kh, kw]`, Linear `[out, in]`): outAxis 0, so outer = 1.
 * TensorFlow.js layout (`[kh, kw, in, out]`, Dense `[in, out]`): outAxis last, so inner = 1.
 */
export interface Layout {
  readonly shape: readonly number[];
  /** Resolved output axis, 0 ≤ outAxis < rank (0 for scalars). */
  readonly outAxis: number;
  readonly rank: number;
  readonly size: number;
  /** Product of the axes before outAxis. */
  readonly outer: number;
  /** Size of the output axis. */
  readonly channels: number;
  /** Product of the axes after outAxis. */
  readonly inner: number;
  /** Elements per output channel: the count a GC mean runs over (outer · inner). */
  readonly fanIn: number;
}

/**
 * Describes `shape` with its output channel on `outAxis` (negative counts from the end, as in
 * NumPy: -1 is the last axis). Throws on a malformed shape or axis; zero-size tensors are rejected
 * because GC of an empty channel has no mean.
 */
export function layoutOf(shape: readonly number[], outAxis = 0, what = 'shape'): Layout {
  if (!Array.isArray(shape))
    throw new InvalidArgumentError(what, shape, 'a shape must be an array of positive integers');
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new InvalidArgumentError(
        what,
        shape,
        'every axis must be a positive integer (empty tensors are not supported)',
      );
    }
  }
  const rank = shape.length;
  if (!Number.isInteger(outAxis)) throw new InvalidArgumentError('outAxis', outAxis, 'outAxis must be an integer');
  let axis = outAxis < 0 ? rank + outAxis : outAxis;
  if (rank === 0) axis = 0;
  else if (axis < 0 || axis >= rank) {
    throw new InvalidArgumentError(
      'outAxis',
      outAxis,
      `outAxis must lie in [-${rank}, ${rank - 1}] for a rank-${rank} tensor`,
    );
  }
  let outer = 1;
  let inner = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a];
  for (let a = axis + 1; a < rank; a++) inner *= shape[a];
  const channels = rank === 0 ? 1 : shape[axis];
  return {
    shape: [...shape],
    outAxis: axis,
    rank,
    size: outer * channels * inner,
    outer,
    channels,
    inner,
    fanIn: outer * inner,
  };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
