import type { ParamSet } from './paramSets.js';

/**
 * Deterministic float32 data for a parameter set: initial weights ~ U(−1, 1) and one gradient
 * per tensor ~ U(−1, 1) plus a per-output-channel offset (so GC has something to remove). The same
 * gradient is used at every step, by every implementation.
 */
export interface BenchData {
  readonly init: Float32Array[];
  readonly grads: Float32Array[];
}

function fill(out: Float32Array, seed: number, rowLen: number, offsetScale: number): void {
  let s = (seed * 2654435761) >>> 0 || 1;
  let offset = 0;
  for (let i = 0; i < out.length; i++) {
    if (i % rowLen === 0) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      offset = offsetScale * (s / 2 ** 31 - 1);
    }
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1 + offset;
  }
}

/**
 * Keeps every centred gradient value at least `margin` away from zero. Adam's direction m/√v is
 * ≈ sign(g), so a centred value within float32 rounding of zero would let two correct
 * implementations step in opposite directions (a 2·lr difference) and the correctness check could
 * not tell rounding from a bug. Moves such values to mean ± 2·margin and repeats until none is left.
 */
function separateFromRowMean(g: Float32Array, rowLen: number, margin: number): void {
  for (let base = 0; base < g.length; base += rowLen) {
    for (let pass = 0; ; pass++) {
      let sum = 0;
      for (let i = base; i < base + rowLen; i++) sum += g[i];
      const mean = sum / rowLen;
      let moved = 0;
      for (let i = base; i < base + rowLen; i++) {
        if (Math.abs(g[i] - mean) < margin) {
          g[i] = mean + (g[i] >= mean ? 2 : -2) * margin;
          moved++;
        }
      }
      if (moved === 0) break;
      if (pass === 10) throw new Error('benchData: could not keep centred gradients away from zero');
    }
  }
}

export function benchData(set: ParamSet): BenchData {
  if (set.transposes) {
    const source = benchData(set.transposes);
    const t = (arrays: Float32Array[]) => arrays.map((a, i) => toOutputLast(a, set.transposes!.shapes[i]));
    return { init: t(source.init), grads: t(source.grads) };
  }
  const init: Float32Array[] = [];
  const grads: Float32Array[] = [];
  set.shapes.forEach((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const rowLen = shape.length > 1 ? n / shape[0] : n;
    const p = new Float32Array(n);
    fill(p, 2 * i + 1, n, 0);
    const g = new Float32Array(n);
    fill(g, 2 * i + 2, rowLen, shape.length > 1 ? 0.5 : 0);
    if (shape.length > 1 && rowLen > 1) separateFromRowMean(g, rowLen, 1e-3);
    init.push(p);
    grads.push(g);
  });
  return { init, grads };
}

/** Concatenates arrays (to hand them to another process as one file). */
export function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** [O, I, kh, kw] → [kh, kw, I, O] and [O, I] → [I, O] (tfjs layout); other ranks unchanged. */
function toOutputLast(a: Float32Array, shape: number[]): Float32Array {
  if (shape.length !== 2 && shape.length !== 4) return a.slice();
  const [O, I, kh, kw] = shape.length === 4 ? shape : [shape[0], shape[1], 1, 1];
  const out = new Float32Array(a.length);
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < I; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * I + c) * O + o] = a[((o * I + c) * kh + y) * kw + x];
      }
    }
  }
  return out;
}
