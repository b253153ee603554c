/**
 * Interval tensors: every element is a range [lo, hi] of float64 values that provably contains what an
 * implementation may compute, given the precision it stores in. Each operation takes the exact
 * range of its result and widens it by the rounding an implementation may add:
 *
 * - add/subtract: K·ε_s·(|a| + |b|), relative to the operands (covers any association of a sum);
 * - multiply, divide, square root: K·ε_s·|result| (covers scalar factors rounded to the storage dtype);
 * - a channel mean: (2n + 2)·ε_a·max|x| for n summed elements (naive, shifted or pairwise sums).
 *
 * Each endpoint is widened by the error at that endpoint: x − K·ε·|x| increases with x, so the lowest
 * value an implementation can round to is reached at the lowest exact value (and likewise the highest).
 *
 * ε_s is the storage dtype's epsilon, ε_a the accumulation dtype's; K = 4 (a rounding costs ≤ ε/2, so
 * this leaves a factor of 8 for fused or re-associated arithmetic). A value outside the range is a
 * wrong value, not noise. Ill-conditioned elements (a centred gradient near zero that Adam then
 * normalises) get wide ranges instead of false alarms.
 */
import type { ChannelLayout } from './layout.js';

export interface Interval {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

export interface Precision {
  /** Machine epsilon of the stored values (2^-23 float32, 2^-52 float64). */
  readonly storage: number;
  /** Machine epsilon of the channel-mean sums. */
  readonly accumulation: number;
}

const K = 4;
/** Below the smallest normal float32, absolute errors are at most this (flush-to-zero included). */
const TINY = 2 ** -125;

function make(n: number): { lo: Float64Array; hi: Float64Array } {
  return { lo: new Float64Array(n), hi: new Float64Array(n) };
}

const mag = (x: Interval, i: number) => Math.max(Math.abs(x.lo[i]), Math.abs(x.hi[i]));

/** Widens element i by `errLo` below and `errHi` above; a NaN endpoint (∞ − ∞) becomes unbounded. */
function widen(out: { lo: Float64Array; hi: Float64Array }, i: number, errLo: number, errHi: number = errLo): void {
  out.lo[i] -= errLo + TINY;
  out.hi[i] += errHi + TINY;
  if (Number.isNaN(out.lo[i])) out.lo[i] = -Infinity;
  if (Number.isNaN(out.hi[i])) out.hi[i] = Infinity;
}

export function exact(values: ArrayLike<number>): Interval {
  const lo = Float64Array.from(values);
  return { lo, hi: lo.slice() };
}

export function zeros(n: number): Interval {
  return make(n);
}

export function filled(n: number, value: number): Interval {
  const out = make(n);
  out.lo.fill(value);
  out.hi.fill(value);
  return out;
}

/** a + c·b (c an exact double; c = −1 subtracts). */
export function addScaled(a: Interval, b: Interval, c: number, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    const x = c >= 0 ? c * b.lo[i] : c * b.hi[i];
    const y = c >= 0 ? c * b.hi[i] : c * b.lo[i];
    out.lo[i] = a.lo[i] + x;
    out.hi[i] = a.hi[i] + y;
    // the product c·b rounds too: relative to |c·b|, inside the operand term
    const e = K * p.storage;
    widen(out, i, e * (Math.abs(a.lo[i]) + 2 * Math.abs(x)), e * (Math.abs(a.hi[i]) + 2 * Math.abs(y)));
  }
  return out;
}

export const add = (a: Interval, b: Interval, p: Precision) => addScaled(a, b, 1, p);
export const sub = (a: Interval, b: Interval, p: Precision) => addScaled(a, b, -1, p);

/** c·a for an exact double c. */
export function scale(a: Interval, c: number, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    out.lo[i] = c >= 0 ? c * a.lo[i] : c * a.hi[i];
    out.hi[i] = c >= 0 ? c * a.hi[i] : c * a.lo[i];
    widen(out, i, K * p.storage * Math.abs(out.lo[i]), K * p.storage * Math.abs(out.hi[i]));
  }
  return out;
}

/** a·a. */
export function square(a: Interval, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    const l = a.lo[i] * a.lo[i];
    const h = a.hi[i] * a.hi[i];
    out.lo[i] = a.lo[i] <= 0 && a.hi[i] >= 0 ? 0 : Math.min(l, h);
    out.hi[i] = Math.max(l, h);
    widen(out, i, K * p.storage * out.lo[i], K * p.storage * out.hi[i]);
    out.lo[i] = Math.max(0, out.lo[i]);
  }
  return out;
}

/** sqrt(a) (negative parts clamped to 0: the values it ranges over are squares). */
export function sqrt(a: Interval, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    out.lo[i] = Math.sqrt(Math.max(0, a.lo[i]));
    out.hi[i] = Math.sqrt(Math.max(0, a.hi[i]));
    widen(out, i, K * p.storage * out.lo[i], K * p.storage * out.hi[i]);
    out.lo[i] = Math.max(0, out.lo[i]);
  }
  return out;
}

/** a + c elementwise for an exact double c ≥ 0 (eps in a denominator). */
export function plus(a: Interval, c: number, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    out.lo[i] = a.lo[i] + c;
    out.hi[i] = a.hi[i] + c;
    const e = K * p.storage;
    widen(out, i, e * (Math.abs(a.lo[i]) + Math.abs(c)), e * (Math.abs(a.hi[i]) + Math.abs(c)));
  }
  return out;
}

/** a / b for a denominator b > 0 (unbounded where b may reach 0). */
export function div(a: Interval, b: Interval, p: Precision): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    if (!(b.lo[i] > 0)) {
      out.lo[i] = -Infinity;
      out.hi[i] = Infinity;
      continue;
    }
    const q = [a.lo[i] / b.lo[i], a.lo[i] / b.hi[i], a.hi[i] / b.lo[i], a.hi[i] / b.hi[i]];
    out.lo[i] = Math.min(...q);
    out.hi[i] = Math.max(...q);
    widen(out, i, K * p.storage * Math.abs(out.lo[i]), K * p.storage * Math.abs(out.hi[i]));
  }
  return out;
}

/** Elementwise maximum (exact). */
export function max(a: Interval, b: Interval): Interval {
  const out = make(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    out.lo[i] = Math.max(a.lo[i], b.lo[i]);
    out.hi[i] = Math.max(a.hi[i], b.hi[i]);
  }
  return out;
}

/**
 * x − mean over each output channel. The exact result lies in [lo_i − mean(hi), hi_i − mean(lo)]; the
 * computed mean is off by at most (2n + 2)·ε_a·max|x| of its channel, the subtraction rounds once.
 */
export function centre(x: Interval, layout: ChannelLayout, p: Precision): Interval {
  const { outer, channels, inner, fanIn } = layout;
  const sumLo = new Float64Array(channels);
  const sumHi = new Float64Array(channels);
  const maxAbs = new Float64Array(channels);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < inner; k++) {
        const i = (o * channels + c) * inner + k;
        sumLo[c] += x.lo[i];
        sumHi[c] += x.hi[i];
        maxAbs[c] = Math.max(maxAbs[c], mag(x, i));
      }
    }
  }
  const out = make(x.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const meanLo = sumLo[c] / fanIn;
    const meanHi = sumHi[c] / fanIn;
    out.lo[i] = x.lo[i] - meanHi;
    out.hi[i] = x.hi[i] - meanLo;
    const meanErr = (2 * fanIn + 2) * p.accumulation * maxAbs[c];
    const errLo = meanErr + K * p.storage * (Math.abs(x.lo[i]) + Math.abs(meanHi));
    widen(out, i, errLo, meanErr + K * p.storage * (Math.abs(x.hi[i]) + Math.abs(meanLo)));
  }
  return out;
}

/** Whether `value` lies in element i's range. */
/**
 * Whether `value` lies in element i's range, give or take `slack` relative to the endpoint. The oracle
 * computes its endpoints in float64 without directed rounding, so each is itself off by a few float64
 * units in the last place, and an implementation that stores float32 returns the float32 rounding of a
 * value in the range, up to one float32 unit outside it: callers pass the storage epsilon (at least
 * `ORACLE_SLACK` is used). The mutants the gate must kill are 20 units and more.
 */
export function contains(x: Interval, i: number, value: number, slack: number = ORACLE_SLACK): boolean {
  const s = Math.max(slack, ORACLE_SLACK);
  const lo = x.lo[i] - s * Math.abs(x.lo[i]) - TINY;
  const hi = x.hi[i] + s * Math.abs(x.hi[i]) + TINY;
  return !(value < lo) && !(value > hi) && !Number.isNaN(value);
}

/** 8 float64 ulps, relative: the oracle's own rounding of its endpoints. */
export const ORACLE_SLACK = 8 * 2 ** -52;
