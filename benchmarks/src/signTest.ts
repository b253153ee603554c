/**
 * The one-sided sign test: whether `more` of `n` paired comparisons going one way is more than chance.
 * Two configurations timed in alternating pairs of steps are the same speed when each is the slower
 * of a pair half the time; `pValue` is the probability of at least `more` of `n` such coin flips.
 * Used where a goal says "never slower": a ratio of two medians from identical configurations is
 * above 1 half the time by noise alone, so "slower" has to mean measurably slower.
 */
export function signTestPValue(more: number, n: number): number {
  if (!Number.isInteger(more) || !Number.isInteger(n) || n < 0 || more < 0 || more > n) {
    throw new RangeError(`signTestPValue: need integers 0 ≤ more ≤ n, got more ${more}, n ${n}`);
  }
  // P(X ≥ more) for X ~ Binomial(n, 1/2): the terms C(n, i) / 2^n built by their ratio, in log space
  let logTerm = -n * Math.LN2; // i = 0
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logTerm += Math.log((n - i + 1) / i);
    if (i >= more) tail += Math.exp(logTerm);
  }
  return Math.min(1, tail);
}

/** The paired comparison of `a` against `b` (same length, pair i timed together). */
export interface PairedSlower {
  /** Median over the pairs of a[i] / b[i]. */
  readonly medianRatio: number;
  /** Pairs in which a was slower than b. */
  readonly slower: number;
  readonly pairs: number;
  /** The sign test's p-value for "a is slower more often than chance". */
  readonly pValue: number;
  /** a measurably slower than b: pValue below 0.05. */
  readonly significantlySlower: boolean;
}

export function pairedSlower(a: readonly number[], b: readonly number[]): PairedSlower {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`pairedSlower: need two equally long, non-empty series (got ${a.length} and ${b.length})`);
  }
  const ratios = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  const mid = ratios.length >> 1;
  const medianRatio = ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  const slower = a.filter((x, i) => x > b[i]).length;
  const pValue = signTestPValue(slower, a.length);
  return { medianRatio, slower, pairs: a.length, pValue, significantlySlower: pValue < 0.05 };
}
