import type { FloatArray } from '../tensor/floatArray.js';
import { GC_MEANS, KIND, type GcMeans, type Kind } from './tasks.js';

/** The arrays one task reads and writes: parameter, gradient and up to three state arrays. */
export interface TaskArrays {
  readonly p: FloatArray;
  readonly g: FloatArray;
  readonly s1?: FloatArray;
  readonly s2?: FloatArray;
  readonly s3?: FloatArray;
}

/**
 * The plain-JS fallback of the fused kernels (no WebAssembly SIMD, or float64 tensors): the same
 * per-row passes, gradient means (`GC_MEANS`) and scalars as the WebAssembly kernels
 * (scripts/build-wasm.mjs), in double precision, each result stored in the array's own dtype.
 */
export function runJsTask(
  kind: Kind,
  a: TaskArrays,
  task: { readonly start: number; readonly rows: number; readonly len: number; readonly channel0?: number },
  gcGradient: GcMeans,
  gcUpdate: boolean,
  k: Float64Array,
  scratch: Float64Array,
  means: Float64Array | null,
  updates: Float64Array | null = null,
): void {
  const { start, rows, len, channel0 = 0 } = task;
  // means given per column: column i of every row is channel i
  const columnMeans = gcGradient === GC_MEANS.columnGiven ? means : null;
  for (let r = 0, base = start; r < rows; r++, base += len) {
    let meanG = 0;
    if (gcGradient === GC_MEANS.rowComputed) meanG = gradientMean(a.p, a.g, base, len, k[0]);
    else if (gcGradient === GC_MEANS.rowGiven) meanG = means![channel0 + r];
    if (kind === KIND.adam || kind === KIND.adamAmsgrad) {
      adamRow(a, base, len, meanG, columnMeans, gcUpdate, k, scratch, updates);
    } else if (kind === KIND.sgd || kind === KIND.sgdMomentum) sgdRow(a, base, len, meanG, columnMeans, k);
    else if (kind === KIND.adagrad) adagradRow(a, base, len, meanG, columnMeans, k);
  }
}

/** mean(g + wd·p) over one row: what GC subtracts (the L2 term is centred too, docs/ALGORITHMS.md §5.2). */
function gradientMean(p: FloatArray, g: FloatArray, base: number, len: number, wd: number): number {
  let sum = 0;
  for (let i = base, end = base + len; i < end; i++) sum += g[i] + wd * p[i];
  return sum / len;
}

function adamRow(
  a: TaskArrays,
  base: number,
  len: number,
  meanG: number,
  columnMeans: Float64Array | null,
  gcUpdate: boolean,
  k: Float64Array,
  scratch: Float64Array,
  updates: Float64Array | null,
): void {
  const { p, g } = a;
  const m = a.s1!;
  const v = a.s2!;
  const vmax = a.s3;
  const [wd1, b1, c1, b2, c2, sa, eps, wd2, s] = k;
  let sumU = 0;
  for (let i = 0; i < len; i++) {
    const j = base + i;
    const pj = p[j];
    const gg = g[j] + wd1 * pj - (columnMeans ? columnMeans[i] : meanG);
    const mj = (m[j] = b1 * m[j] + c1 * gg);
    let vj = (v[j] = b2 * v[j] + c2 * (gg * gg));
    if (vmax) {
      if (vj > vmax[j]) vmax[j] = vj;
      vj = vmax[j];
    }
    const u = mj / (Math.sqrt(vj) * sa + eps) + wd2 * pj;
    if (updates) updates[j] = u;
    else if (gcUpdate) {
      scratch[i] = u;
      sumU += u;
    } else p[j] = pj - s * u;
  }
  if (!gcUpdate || updates) return;
  const meanU = sumU / len;
  for (let i = 0; i < len; i++) p[base + i] -= s * (scratch[i] - meanU);
}

function sgdRow(
  a: TaskArrays,
  base: number,
  len: number,
  meanG: number,
  columnMeans: Float64Array | null,
  k: Float64Array,
): void {
  const { p, g } = a;
  const buf = a.s1;
  const [wd, ka, kb, nd, nm, lr, dec] = k;
  for (let j = base, end = base + len; j < end; j++) {
    const pj = p[j];
    let d = g[j] + wd * pj - (columnMeans ? columnMeans[j - base] : meanG);
    if (buf) {
      const b = (buf[j] = ka * buf[j] + kb * d);
      d = nd * d + nm * b;
    }
    p[j] = pj - lr * d - dec * pj;
  }
}

function adagradRow(
  a: TaskArrays,
  base: number,
  len: number,
  meanG: number,
  columnMeans: Float64Array | null,
  k: Float64Array,
): void {
  const { p, g } = a;
  const sum = a.s1!;
  const wd = k[0];
  const eps = k[6];
  const clr = k[8];
  for (let j = base, end = base + len; j < end; j++) {
    const pj = p[j];
    const gg = g[j] + wd * pj - (columnMeans ? columnMeans[j - base] : meanG);
    const acc = (sum[j] = sum[j] + gg * gg);
    p[j] = pj - clr * (gg / (Math.sqrt(acc) + eps));
  }
}

/**
 * GC on the update where channels are not rows, last step: `p −= s·(u − mean_u)`, u the whole tensor's
 * updates (`runJsTask` with `updates`), `means` their float64 channel means (`channelMeans`).
 */
export function applyCentredUpdate(
  p: FloatArray,
  updates: Float64Array,
  layout: { readonly outer: number; readonly channels: number; readonly inner: number },
  means: Float64Array,
  s: number,
): void {
  const { outer, channels, inner } = layout;
  for (let o = 0, j = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) for (let end = j + inner; j < end; j++) p[j] -= s * (updates[j] - means[c]);
}

/** Index of the first NaN/±Infinity in `g`, or -1. */
export function firstNonFinite(g: FloatArray, start = 0, end = g.length): number {
  for (let i = start; i < end; i++) if (g[i] - g[i] !== 0) return i;
  return -1;
}
