/**
 * The gpu.js kernels, each written once and compiled by gpu.js for every mode (WGSL, GLSL,
 * WebAssembly, JavaScript). gpu.js translates these function bodies, so they use only its subset
 * of JavaScript: `this.thread`, `this.constants`, numbers, loops with constant bounds.
 *
 * Layout: every tensor lives on the device as a 2-D array `[rows][width]` (gpu.js output
 * `[width, rows]`), one row per GC channel, so a kernel reaches element (r, x) as `a[r][x]` from
 * `this.thread.y` and `this.thread.x`: no flat index is ever rebuilt in float arithmetic (exact past
 * 2^24 elements on webgpu, webasm and cpu, whose index math is integer).
 *
 * Precision: the core centres with a float64 mean (shifted by the row's first element) and rounds
 * `x − mean` once to float32. Where a centred gradient nearly cancels, Adam and Adagrad normalize it
 * to ±1, so a float32 mean would flip signs there. The kernels therefore carry the mean as
 * `shift + (dh + dl)` (a float-float sum built with error-free transformations) and centre with one
 * final rounding, like the core. The L2 term `g + l2·p` is likewise rounded once.
 */
type KernelThis = any;
type Rows = any;

/*
 * Error-free transformations only hold if the compiler keeps every rounding: GPU drivers simplify
 * float expressions algebraically (Mesa's NIR turns `(a + b) − a` into `b`, which zeroes TwoSum's
 * error term). Each rounded intermediate is therefore multiplied by `one`, a kernel argument that
 * is always 1 but unknown to the compiler, which blocks those rewrites.
 */

/** The rounding error of `s = a + b` (Knuth's TwoSum; s must be an opaque rounded sum): a + b = s + error. */
export function sumError(a: number, b: number, s: number, one: number): number {
  const bv = (s - a) * one;
  return (a - (s - bv)) * one + (b - bv);
}

/**
 * The rounding error of `p = a·b` (Dekker's TwoProduct; p opaque): a·b = p + error, exactly. The
 * operands are split in halves by Veltkamp's method (2^12 + 1), written out here rather than in a
 * helper: gpu.js orders GLSL functions by a call trace that misplaces a helper's callees when the
 * helper is reached twice (`rowMeans` calls this directly and through `gradientTerm`), and GLSL
 * needs each function defined before its use. So a helper that other helpers call calls nothing.
 */
export function productError(a: number, b: number, p: number, one: number): number {
  const ta = 4097 * a * one;
  const ah = ta - (ta - a) * one;
  const al = (a - ah) * one;
  const tb = 4097 * b * one;
  const bh = tb - (tb - b) * one;
  const bl = (b - bh) * one;
  return ((ah * bh - p) * one + ah * bl + al * bh) * one + al * bl;
}

/** `g + l2·p`, rounded once: the gradient with the coupled L2 term (l2 = 0: exactly g). */
export function gradientTerm(g: number, p: number, l2: number, one: number): number {
  if (l2 === 0) {
    return g;
  }
  const ph = l2 * p * one;
  const pl = productError(l2, p, ph, one);
  const sh = (g + ph) * one;
  return sh + (sumError(g, ph, sh, one) + pl);
}

/**
 * Rounds a float64 to float32 (Veltkamp split by 2^29 + 1) where `wide` is set: gpu.js's `cpu` mode
 * computes in float64, and the core rounds `g + l2·p` to float32 before centring it. The other modes
 * compute in float32 already (WIDE = 0: the branch is compiled away).
 */
export function narrow(x: number, wide: number): number {
  if (wide > 0) {
    const t = x * 536870913;
    return t - (t - x);
  }
  return x;
}

/** Adam's direction plus the decay some recipes add after it: `m/(sqrt(v)/sqrtBc2 + eps) + dw·p`. */
export function adamDirection(m: number, v: number, p: number, sqrtBc2: number, eps: number, dw: number): number {
  return m / (Math.sqrt(v) / sqrtBc2 + eps) + dw * p;
}

/** `x − (shift + dh + dl)` with one final rounding: the centred value. */
export function centred(x: number, shift: number, dh: number, dl: number, one: number): number {
  const a = (x - shift) * one;
  const b = sumError(x, -shift, a, one);
  return (a - dh) * one + (b - dl);
}

/** Helper functions every kernel may call. */
export const KERNEL_FUNCTIONS = [sumError, productError, gradientTerm, narrow, adamDirection, centred];

/** Output `[width, rows]`: a device copy of an uploaded `input(flat, [width, rows])`. */
export function copyRows(this: KernelThis, a: Rows): number {
  return a[this.thread.y][this.thread.x];
}

/** Output `[width, rows]` filled with one value: initial state, and the "no GC" row means (all 0). */
export function fillRows(this: KernelThis, value: number): number {
  return value;
}

/**
 * Output `[K, rows, 2]`: float-float partial sums of `value − shift` over a row, the shift being the
 * row's first value; z = 0 is the sum, z = 1 its accumulated rounding error. Chunk k sums columns
 * k, k+K, k+2K, … (adjacent threads read adjacent memory). The value GC centres is, by the constant
 * SOURCE, 0: `narrow(gradientTerm(a, c, s1, one), this.constants.WIDE)`; 1: `adamDirection(a, b, c, s1, s2, s3)`.
 * Constants: W (row width), K (chunks per row), CH (columns per chunk), SOURCE, WIDE (1 in `cpu` mode).
 */
export function rowPartialSums(
  this: KernelThis,
  a: Rows,
  b: Rows,
  c: Rows,
  s1: number,
  s2: number,
  s3: number,
  one: number,
): number {
  const r = this.thread.y;
  let shift = 0;
  if (this.constants.SOURCE > 0) {
    shift = adamDirection(a[r][0], b[r][0], c[r][0], s1, s2, s3);
  } else {
    shift = narrow(gradientTerm(a[r][0], c[r][0], s1, one), this.constants.WIDE);
  }
  let sum = 0;
  let error = 0;
  for (let j = 0; j < this.constants.CH; j++) {
    const col = this.thread.x + j * this.constants.K;
    if (col < this.constants.W) {
      let v = 0;
      if (this.constants.SOURCE > 0) {
        v = adamDirection(a[r][col], b[r][col], c[r][col], s1, s2, s3);
      } else {
        v = narrow(gradientTerm(a[r][col], c[r][col], s1, one), this.constants.WIDE);
      }
      const dh = (v - shift) * one;
      const dl = sumError(v, -shift, dh, one);
      const t = (sum + dh) * one;
      error += sumError(sum, dh, t, one) + dl;
      sum = t;
    }
  }
  if (this.thread.z > 0) {
    return error;
  }
  return sum;
}

/**
 * Output `[3, rows]`: each row's mean as `shift + dh + dl` — x = 0: the shift (the row's first
 * value), 1 and 2: the float-float mean of `value − shift`. All zero for rows GC leaves alone
 * (constant `gcRows[r]` = 0). Same arguments and constants as `rowPartialSums`.
 */
export function rowMeans(
  this: KernelThis,
  partials: Rows,
  a: Rows,
  b: Rows,
  c: Rows,
  s1: number,
  s2: number,
  s3: number,
  one: number,
): number {
  const r = this.thread.y;
  let shift = 0;
  if (this.constants.SOURCE > 0) {
    shift = adamDirection(a[r][0], b[r][0], c[r][0], s1, s2, s3);
  } else {
    shift = narrow(gradientTerm(a[r][0], c[r][0], s1, one), this.constants.WIDE);
  }
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < this.constants.K; k++) {
    const t = (hi + partials[0][r][k]) * one;
    lo += sumError(hi, partials[0][r][k], t, one) + partials[1][r][k];
    hi = t;
  }
  const total = (hi + lo) * one;
  const totalLow = sumError(hi, lo, total, one);
  // total / W as dh + dl: dh rounded, dl from the exact remainder total − dh·W
  const dh = (total / this.constants.W) * one;
  const ph = dh * this.constants.W * one;
  const remainder = (total - ph) * one - productError(dh, this.constants.W, ph, one) + totalLow;
  const dl = remainder / this.constants.W;
  let out = shift;
  if (this.thread.x === 1) {
    out = dh;
  }
  if (this.thread.x === 2) {
    out = dl;
  }
  return this.constants.gcRows[r] * out;
}

/**
 * Kernels that centre take `means` (`[3, rows]`, see `rowMeans`) and the constant ZERO_CENTRED:
 * 1 in slabs of fan-in-1 channels, whose centred value is exactly zero (see `Slab.centredToZero`).
 */

/** torch momentum buffer: the first step takes the centred gradient c, then `μ·buf + (1−dampening)·c`. */
export function sgdMomentumBuffer(
  this: KernelThis,
  buf: Rows,
  g: Rows,
  p: Rows,
  means: Rows,
  l2: number,
  momentum: number,
  oneMinusDampening: number,
  first: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let c = centred(
    narrow(gradientTerm(g[r][x], p[r][x], l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
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
 * Constants: MOMENTUM, NESTEROV (0 or 1), ZERO_CENTRED.
 */
export function sgdParam(
  this: KernelThis,
  p: Rows,
  buf: Rows,
  g: Rows,
  means: Rows,
  lr: number,
  l2: number,
  momentum: number,
  decoupled: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let c = centred(
    narrow(gradientTerm(g[r][x], old, l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
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
export function adamFirstMoment(
  this: KernelThis,
  m: Rows,
  g: Rows,
  p: Rows,
  means: Rows,
  beta1: number,
  oneMinusBeta1: number,
  l2: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = centred(
    narrow(gradientTerm(g[r][x], p[r][x], l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return beta1 * m[r][x] + oneMinusBeta1 * a;
}

/** `β2·v + (1−β2)·a²`. */
export function adamSecondMoment(
  this: KernelThis,
  v: Rows,
  g: Rows,
  p: Rows,
  means: Rows,
  beta2: number,
  oneMinusBeta2: number,
  l2: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = centred(
    narrow(gradientTerm(g[r][x], p[r][x], l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return beta2 * v[r][x] + oneMinusBeta2 * (a * a);
}

/** amsgrad: `max(v_max, v)`. */
export function runningMax(this: KernelThis, vmax: Rows, v: Rows): number {
  return Math.max(vmax[this.thread.y][this.thread.x], v[this.thread.y][this.thread.x]);
}

/** `p − s·centred(adamDirection)`. */
export function adamParam(
  this: KernelThis,
  p: Rows,
  m: Rows,
  vhat: Rows,
  means: Rows,
  scale: number,
  sqrtBc2: number,
  eps: number,
  dw: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let w = centred(
    adamDirection(m[r][x], vhat[r][x], old, sqrtBc2, eps, dw),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
  if (this.constants.ZERO_CENTRED > 0) {
    w = 0;
  }
  return old - scale * w;
}

/** Adagrad's accumulator: `sum + a²`. */
export function adagradSum(
  this: KernelThis,
  sum: Rows,
  g: Rows,
  p: Rows,
  means: Rows,
  l2: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  let a = centred(
    narrow(gradientTerm(g[r][x], p[r][x], l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return sum[r][x] + a * a;
}

/** `p − clr·a/(sqrt(sum) + eps)`. */
export function adagradParam(
  this: KernelThis,
  p: Rows,
  sum: Rows,
  g: Rows,
  means: Rows,
  clr: number,
  l2: number,
  eps: number,
  one: number,
): number {
  const r = this.thread.y;
  const x = this.thread.x;
  const old = p[r][x];
  let a = centred(
    narrow(gradientTerm(g[r][x], old, l2, one), this.constants.WIDE),
    means[r][0],
    means[r][1],
    means[r][2],
    one,
  );
  if (this.constants.ZERO_CENTRED > 0) {
    a = 0;
  }
  return old - clr * (a / (Math.sqrt(sum[r][x]) + eps));
}
