import { coreEngine, type ReplayEngine } from '@gcopt/core';

/** The core itself: `stepInPlace` (default) or the pure `step`, in float64 and float32. */
export function coreReplayEngine(mode: 'in-place' | 'pure'): ReplayEngine {
  return coreEngine(mode);
}
