import type { DType, FloatArray, GcRule } from '@gcopt/core';
import { channelLayout, type ChannelLayout } from './oracle/layout.js';

/** A tensor as the properties see it: row-major data, its shape, and where its output channels are. */
export interface TensorSpec {
  readonly shape: readonly number[];
  /** Output-channel axis: 0 (PyTorch/ONNX layout) or -1 (tfjs layout); any axis is allowed. */
  readonly outAxis: number;
  readonly dtype: DType;
  readonly data: FloatArray;
}

/** What a centralization implementation is asked to do. */
export interface CentralizeRequest {
  readonly shape: readonly number[];
  readonly outAxis: number;
  readonly rule: GcRule;
}

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/** A copy of `values` stored in `dtype` (float32 rounds each value once). */
export function toDType(dtype: DType, values: ArrayLike<number>): FloatArray {
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

export function layoutOfSpec(t: { shape: readonly number[]; outAxis: number }): ChannelLayout {
  return channelLayout(t.shape, t.outAxis);
}

/** Index of the output channel that flat element `i` belongs to. */
export function channelOf(i: number, layout: ChannelLayout): number {
  return Math.floor(i / layout.inner) % layout.channels;
}

/** Per-channel mean, summed naively in float64 (its error, ≤ n·ε64·max|x|, is part of every tolerance). */
export function channelMeans(x: ArrayLike<number>, layout: ChannelLayout): Float64Array {
  const sums = new Float64Array(layout.channels);
  for (let i = 0; i < layout.size; i++) sums[channelOf(i, layout)] += x[i];
  for (let c = 0; c < layout.channels; c++) sums[c] /= layout.fanIn;
  return sums;
}

/** Per-channel max |x|. */
export function channelMaxAbs(x: ArrayLike<number>, layout: ChannelLayout): Float64Array {
  const out = new Float64Array(layout.channels);
  for (let i = 0; i < layout.size; i++) {
    const c = channelOf(i, layout);
    const a = Math.abs(x[i]);
    if (a > out[c]) out[c] = a;
  }
  return out;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
  }
  return m;
}

/** Bit-level equality, so that -0 ≠ 0 and NaN payloads count, as "bit-identical" demands. */
export function bitIdentical(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** First index where |a − b| > tol(i), or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, tol: (i: number) => number): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= tol(i))) return i;
  }
  return -1;
}

/**
 * Moves axis `from` of a row-major tensor to position 0 (the other axes keep their order):
 * returns the permuted data and shape. `moveAxisBack` inverts it.
 */
export function moveAxisToFront(
  data: FloatArray,
  shape: readonly number[],
  from: number,
): { data: FloatArray; shape: number[] } {
  const layout = channelLayout(shape, from);
  const out = allocate(data instanceof Float64Array ? 'float64' : 'float32', data.length);
  const { outer, channels, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < inner; i++) out[(c * outer + o) * inner + i] = data[(o * channels + c) * inner + i];
    }
  }
  const axis = layout.outAxis;
  return { data: out, shape: [shape[axis], ...shape.slice(0, axis), ...shape.slice(axis + 1)] };
}

/** Inverse of `moveAxisToFront`: `front` has the channel axis first; `shape` is the original shape. */
export function moveAxisBack(front: FloatArray, shape: readonly number[], to: number): FloatArray {
  const layout = channelLayout(shape, to);
  const out = allocate(front instanceof Float64Array ? 'float64' : 'float32', front.length);
  const { outer, channels, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < inner; i++) out[(o * channels + c) * inner + i] = front[(c * outer + o) * inner + i];
    }
  }
  return out;
}

export function describeTensor(t: { shape: readonly number[]; outAxis: number; dtype?: DType }): string {
  return `${t.dtype ?? ''}[${t.shape.join(',')}] outAxis ${t.outAxis}`;
}
