import { coreBackend, type ReplayBackend } from '@gcopt/core';

/** The core itself: `stepInPlace` (default) or the pure `step`, in float64 and float32. */
export function coreReplayBackend(mode: 'in-place' | 'pure'): ReplayBackend {
  return coreBackend(mode);
}
