/**
 * The gpu.js kernels, each written once and compiled by gpu.js for every mode (WGSL, GLSL,
 * WebAssembly, JavaScript). gpu.js translates these function bodies, so they use only its subset
 * of JavaScript: `this.thread`, `this.constants`, numbers, loops with constant bounds.
 *
 * Every tensor lives on the device as a 2-D array `[rows][width]` (gpu.js output `[width, rows]`),
 * one row per GC channel, so a kernel reaches element (r, x) as `a[r][x]` from `this.thread.y` and
 * `this.thread.x`: no flat index is ever rebuilt in float arithmetic (exact past 2^24 elements on
 * webgpu, webasm and cpu, whose index math is integer).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type KernelThis = any;
type Rows = any;

/** `g + l2·p`: the gradient with the coupled L2 term (l2 = 0 when the recipe has none). */
export function gradientTerm(g: number, p: number, l2: number): number {
  return g + l2 * p;
}

/** Adam's direction plus the decay some recipes add after it: `m/(sqrt(v)/sqrtBc2 + eps) + dw·p`. */
export function adamDirection(m: number, v: number, p: number, sqrtBc2: number, eps: number, dw: number): number {
  return m / (Math.sqrt(v) / sqrtBc2 + eps) + dw * p;
}

/**
 * Kernels that subtract row means take the constant ZERO_CENTRED: 1 in slabs of fan-in-1 channels,
 * whose centred value is exactly zero (see \`Slab.centredToZero\`).
 */

/** Helper functions every kernel may call. */
export const KERNEL_FUNCTIONS = [gradientTerm, adamDirection];

/** Output `[width, rows]`: a device copy of an uploaded `input(flat, [width, rows])`. */
export function copyRows(this: KernelThis, a: Rows): number {
  return a[this.thread.y][this.thread.x];
}

/** Output `[rows]` of zeros: the "no GC" row means. */
export function zeroRows(this: KernelThis): number {
  return 0;
}

/** Output `[width, rows]` filled with one value: initial state. */
export function fillRows(this: KernelThis, value: number): number {
  return value;
}

/**
 * Output `[chunks, rows]`: partial sums, shifted by the row's first element, of the value GC
 * centres. Chunk k of row r sums columns k, k+K, k+2K, … (adjacent threads read adjacent memory).
 * SOURCE 0: `gradientTerm(a, c, s1)`; SOURCE 1: `adamDirection(a, b, c, s1, s2, s3)`.
 * Constants: W (row width), K (chunks per row), CH (columns per chunk), SOURCE.
 */
export function rowPartialSums(this: KernelThis, a: Rows, b: Rows, c: Rows, s1: number, s2: number, s3: number): number {
  const r = this.thread.y;
  let shift = 0;
  if (this.constants.SOURCE > 0) {
    shift = adamDirection(a[r][0], b[r][0], c[r][0], s1, s2, s3);
  } else {
    shift = gradientTerm(a[r][0], c[r][0], s1);
  }
  let sum = 0;
  for (let j = 0; j < this.constants.CH; j++) {
    const col = this.thread.x + j * this.constants.K;
    if (col < this.constants.W) {
      if (this.constants.SOURCE > 0) {
        sum += adamDirection(a[r][col], b[r][col], c[r][col], s1, s2, s3) - shift;
      } else {
        sum += gradientTerm(a[r][col], c[r][col], s1) - shift;
      }
    }
  }
  return sum;
}

/**
 * Output `[rows]`: each row's mean (shift + Σ partial sums / W), times the constant `gcRows[r]`
 * (1 for a row GC centres, 0 for rows of tensors it leaves alone). Same arguments and SOURCE as
 * `rowPartialSums`.
 */
export function rowMeans(this: KernelThis, partials: Rows, a: Rows, b: Rows, c: Rows, s1: number, s2: number, s3: number): number {
  const r = this.thread.x;
  let shift = 0;
  if (this.constants.SOURCE > 0) {
    shift = adamDirection(a[r][0], b[r][0], c[r][0], s1, s2, s3);
  } else {
    shift = gradientTerm(a[r][0], c[r][0], s1);
  }
  let sum = 0;
  for (let k = 0; k < this.constants.K; k++) {
    sum += partials[r][k];
  }
  return this.constants.gcRows[r] * (shift + sum / this.constants.W);
}

/** torch momentum buffer: the first step takes the centred gradient c, then `μ·buf + (1−dampening)·c`. */
export function sgdMomentumBuffer(
  this: KernelThis, buf: Rows, g: Rows, p: Rows, means: Rows,
  l2: number, momentum: number, oneMinusDampening: number, first: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let c = gradientTerm(g[r][x], p[r][x], l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    c = 0;
  }
  if (first > 0) {
    return c;
  }
  return momentum * buf[r][x] + oneMinusDampening * c;
}

/**
 * `p − lr·d − decoupled·p`, d = c (no momentum), buf (heavy ball) or c + μ·buf (Nesterov).
 * Constants: MOMENTUM, NESTEROV (0 or 1).
 */
export function sgdParam(
  this: KernelThis, p: Rows, buf: Rows, g: Rows, means: Rows,
  lr: number, l2: number, momentum: number, decoupled: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let c = gradientTerm(g[r][x], old, l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    c = 0;
  }
  let d = c;
  if (this.constants.MOMENTUM > 0) {
    if (this.constants.NESTEROV > 0) {
      d = c + momentum * buf[r][x];
    } else {
      d = buf[r][x];
    }
  }
  return old - lr * d - decoupled * old;
}

/** `β1·m + (1−β1)·a`, a the (centred) gradient term. */
export function adamFirstMoment(this: KernelThis, m: Rows, g: Rows, p: Rows, means: Rows, beta1: number, oneMinusBeta1: number, l2: number): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = gradientTerm(g[r][x], p[r][x], l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return beta1 * m[r][x] + oneMinusBeta1 * a;
}

/** `β2·v + (1−β2)·a²`. */
export function adamSecondMoment(this: KernelThis, v: Rows, g: Rows, p: Rows, means: Rows, beta2: number, oneMinusBeta2: number, l2: number): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = gradientTerm(g[r][x], p[r][x], l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return beta2 * v[r][x] + oneMinusBeta2 * (a * a);
}

/** amsgrad: `max(v_max, v)`. */
export function runningMax(this: KernelThis, vmax: Rows, v: Rows): number {
  return Math.max(vmax[this.thread.y][this.thread.x], v[this.thread.y][this.thread.x]);
}

/** `p − s·(adamDirection − updateMean)`. */
export function adamParam(
  this: KernelThis, p: Rows, m: Rows, vhat: Rows, updateMeans: Rows,
  scale: number, sqrtBc2: number, eps: number, dw: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let w = adamDirection(m[r][x], vhat[r][x], old, sqrtBc2, eps, dw) - updateMeans[r];
  if (this.constants.ZERO_CENTRED > 0) {
    w = 0;
  }
  return old - scale * w;
}

/** Adagrad's accumulator: `sum + a²`. */
export function adagradSum(this: KernelThis, sum: Rows, g: Rows, p: Rows, means: Rows, l2: number): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = gradientTerm(g[r][x], p[r][x], l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return sum[r][x] + a * a;
}

/** `p − clr·a/(sqrt(sum) + eps)`. */
export function adagradParam(this: KernelThis, p: Rows, sum: Rows, g: Rows, means: Rows, clr: number, l2: number, eps: number): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let a = gradientTerm(g[r][x], old, l2) - means[r];
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return old - clr * (a / (Math.sqrt(sum[r][x]) + eps));
}
