import type { FloatArray } from '../tensor/floatArray.js';
import type { Layout } from '../tensor/layout.js';

/**
 * The GC projection on a contiguous row-major buffer: for every output channel, subtract the mean
 * of that channel's elements (all axes but `layout.outAxis`). Applies unconditionally; the rank
 * rule is the caller's (see `gcApplies`).
 *
 * Means are accumulated in float64 and shifted by the channel's first element, so large per-channel
 * offsets do not cost precision. A channel of one element (fan-in 1: `[n,1]`, tfjs Dense `[1,n]`)
 * becomes exactly zero, as in the reference.
 *
 * `scratch` (length ≥ channels) avoids an allocation for channels-last layouts.
 */
export function centralizeInPlace(x: FloatArray, layout: Layout, scratch?: Float64Array): void {
  const { outer, channels, inner, fanIn } = layout;
  if (outer === 1) {
    // channel-major: each channel is one contiguous row
    for (let c = 0, base = 0; c < channels; c++, base += inner) {
      const shift = x[base];
      let sum = 0;
      for (let i = base + 1, end = base + inner; i < end; i++) sum += x[i] - shift;
      const mean = shift + sum / fanIn;
      for (let i = base, end = base + inner; i < end; i++) x[i] -= mean;
    }
    return;
  }
  const sums = scratch && scratch.length >= channels ? scratch : new Float64Array(channels);
  if (inner === 1) {
    // channels-last (tfjs): channel c is the stride-`channels` sequence starting at c
    for (let c = 0; c < channels; c++) sums[c] = 0;
    for (let o = 1, base = channels; o < outer; o++, base += channels) {
      for (let c = 0; c < channels; c++) sums[c] += x[base + c] - x[c];
    }
    for (let c = 0; c < channels; c++) sums[c] = x[c] + sums[c] / fanIn;
    for (let base = 0, end = outer * channels; base < end; base += channels) {
      for (let c = 0; c < channels; c++) x[base + c] -= sums[c];
    }
    return;
  }
  // general: channel axis in the middle
  for (let c = 0; c < channels; c++) {
    const shift = x[c * inner];
    let sum = 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) sum += x[base + i] - shift;
    }
    sums[c] = shift + sum / fanIn;
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const mean = sums[c];
      for (let i = 0; i < inner; i++) x[base + i] -= mean;
    }
  }
}
