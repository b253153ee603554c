/**
 * Every tolerance of the suite, derived from floating-point error bounds (never tuned to pass).
 *
 * Notation: ε_s = machine epsilon of the storage dtype (2^-23 float32, 2^-52 float64); ε_a = machine
 * epsilon of the precision the implementation accumulates its per-channel sums in (the core: float64;
 * a float32 GPU kernel: float32); n = fan-in (elements per output channel); ε64 = 2^-52, the precision
 * the checks themselves compute in. Rounding one operation costs at most ε/2·|result|; the bounds
 * below use ε (a factor 2 of headroom, not a fudge: it also covers fused/unfused multiply-add).
 */
import type { DType } from '@gcopt/core';

export const EPS64 = 2 ** -52;
export const EPS32 = 2 ** -23;

export function epsilonOf(dtype: DType): number {
  return dtype === 'float64' ? EPS64 : EPS32;
}

/**
 * Bound on |P̂(x)_i − P(x)_i| for one channel of a computed projection: the channel mean, summed
 * naively in precision ε_a, is off by ≤ (n−1)·ε_a·max|x| plus the division and the shift (2·ε_a·max|x|):
 * (n+1)·ε_a·max|x|; the mean rounded to storage precision adds ε_s·max|x|, and the subtraction
 * x_i − μ̂ (|·| ≤ 2·max|x|) adds 2·ε_s·max|x|.
 *
 *   errP = ((n + 1)·ε_a + 3·ε_s) · max_channel|x|
 */
export function projectionError(fanIn: number, channelMaxAbs: number, storage: DType, accumulation: DType): number {
  return ((fanIn + 1) * epsilonOf(accumulation) + 3 * epsilonOf(storage)) * channelMaxAbs;
}

/**
 * Bound on |mean(P̂(x))| over one channel: the mean error of `projectionError` (its first two terms),
 * the channel average of the subtraction roundings (≤ ε_s·max|P̂x|), and this check's own float64
 * mean of P̂x (≤ n·ε64·max|P̂x|).
 *
 *   zeroMeanTol = ((n + 1)·ε_a + ε_s)·max|x| + (ε_s + n·ε64)·max|P̂x|
 */
export function zeroMeanTolerance(
  fanIn: number,
  inputMaxAbs: number,
  outputMaxAbs: number,
  storage: DType,
  accumulation: DType,
): number {
  const es = epsilonOf(storage);
  return ((fanIn + 1) * epsilonOf(accumulation) + es) * inputMaxAbs + (es + fanIn * EPS64) * outputMaxAbs;
}

/**
 * Bound on the change of one channel's weight mean in one optimizer step whose update is centred.
 * `p ← p − scale·P(u)`: the centring leaves a mean of ≤ (n+1)·ε_a·U + ε_s·U (U = |scale·u| before
 * centring, from the optimizer's stated update bound); at most four roundings in storage precision touch
 * each element after it (the centring subtraction, scaling, the final subtraction, and one state mix:
 * momentum, Nesterov or a lookahead sync), each ≤ ε_s·(|p_t| + |p_{t+1}| + U); the check's two
 * float64 means cost n·ε64 each of max|p|.
 *
 *   stepTol = (n + 1)·ε_a·U + 4·ε_s·(max|p_t| + max|p_{t+1}| + U) + 2·n·ε64·(max|p_t| + max|p_{t+1}|)
 *
 * Over k steps the bounds add (a mean decaying by |f| ≤ 1 per step only shrinks earlier errors).
 */
export function meanStepTolerance(
  fanIn: number,
  before: number,
  after: number,
  updateBound: number,
  storage: DType,
  accumulation: DType,
): number {
  const es = epsilonOf(storage);
  return (
    (fanIn + 1) * epsilonOf(accumulation) * updateBound +
    4 * es * (before + after + updateBound) +
    2 * fanIn * EPS64 * (before + after)
  );
}

/**
 * The Cauchy–Schwarz bound of Adam's normalized direction: with bias-corrected moments
 * m̂ = Σ_s w_s·g_s and v̂ = Σ_s w'_s·g_s², w_s = (1−β1)β1^(t−s)/(1−β1^t), w'_s = (1−β2)β2^(t−s)/(1−β2^t),
 *
 *   |m̂| ≤ sqrt(Σ_s w_s²/w'_s) · sqrt(v̂)
 *
 * whatever the gradients are (amsgrad's max only enlarges the denominator; eps > 0 only shrinks it).
 * Needs β2 > 0.
 */
export function adamDirectionBound(beta1: number, beta2: number, t: number): number {
  const bc1 = 1 - beta1 ** t;
  const bc2 = 1 - beta2 ** t;
  let sum = 0;
  for (let s = 1; s <= t; s++) {
    const w = ((1 - beta1) * beta1 ** (t - s)) / bc1;
    const w2 = ((1 - beta2) * beta2 ** (t - s)) / bc2;
    sum += (w * w) / w2;
  }
  return Math.sqrt(sum);
}
