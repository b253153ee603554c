/**
 * Parameters per thread below which one more thread does not pay: waking a worker and handing it
 * tasks costs tens of microseconds, about what one thread needs to stream 2^18 parameters' state.
 */
export const PARAMS_PER_THREAD = 1 << 18;

/** The default thread count: every core, but no more threads than PARAMS_PER_THREAD-sized shares. */
export function autoThreads(cores: number, params: number): number {
  return Math.max(1, Math.min(cores, Math.floor(params / PARAMS_PER_THREAD)));
}
