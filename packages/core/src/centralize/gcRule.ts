/**
 * Which tensors a GC variant centralizes (docs/ALGORITHMS.md §1):
 * - `'gc'`  (GC_1, "conv + FC"): every tensor of rank ≥ 2;
 * - `'gcc'` (GC_3, "conv only"): tensors of rank ≥ 4 (a 3-D `[out, in, k]` is NOT centred);
 * - `'none'`: nothing.
 * Rank-1 tensors (biases, norm scales) are never centred.
 */
export type GcRule = 'gc' | 'gcc' | 'none';

/** Whether a tensor of this rank is centred under `rule` (`'gc'`: rank ≥ 2, `'gcc'`: rank ≥ 4, `'none'`: never). */
export function gcApplies(rank: number, rule: GcRule): boolean {
  if (rule === 'gc') return rank >= 2;
  if (rule === 'gcc') return rank >= 4;
  return false;
}

/** The rule of the advanced code's `centralized_gradient(x, use_gc, gc_conv_only)`. */
export function ruleFromFlags(useGc: boolean, gcConvOnly: boolean): GcRule {
  if (!useGc) return 'none';
  return gcConvOnly ? 'gcc' : 'gc';
}
