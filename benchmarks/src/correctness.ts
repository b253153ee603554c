/**
 * The benchmark checks itself before it reports: every implementation's parameters after all its
 * steps must agree with gcopt's core recipe path run on the same data for the same number of
 * steps. Float32 tolerance, as the golden replay uses: |a − b| ≤ 1e-5 · max(1, |b|).
 */
export const TOLERANCE = 1e-5;

export function maxRelativeError(ours: readonly Float32Array[], reference: readonly Float32Array[]): number {
  if (ours.length !== reference.length) return Infinity;
  let worst = 0;
  for (let t = 0; t < ours.length; t++) {
    const a = ours[t];
    const b = reference[t];
    if (a.length !== b.length) return Infinity;
    for (let i = 0; i < a.length; i++) {
      const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
      if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e; // NaN counts as the worst error
    }
  }
  return worst;
}
