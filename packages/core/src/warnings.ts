/**
 * Warnings gcopt raises without failing. Every optimizer and `centralize` accept an `onWarning`
 * callback; without one, warnings go to the process-wide handler (console.warn by default), which
 * `setWarningHandler` replaces — e.g. to route them into a logger or to collect them in tests.
 */
export interface GcoptWarning {
  /**
   * `not-fused`: a fused backend cannot run this recipe (a transform it has no kernel for) and runs
   * the core's recipe instead: same numbers, slower.
   * `gc-zeroes-gradient`: a tensor whose channels have a single element (fan-in 1, e.g. `[n,1]`
   * in PyTorch layout or a tfjs Dense kernel `[1,n]`) is centralized: GC makes its gradient exactly
   * zero, as the reference does, so that parameter will never move under GC.
   */
  readonly code: 'gc-zeroes-gradient' | 'not-fused';
  readonly message: string;
  /** `not-fused`: the transform that has no fused form (see `compilePlan`) and the backend that fell back. */
  readonly transform?: string;
  readonly backend?: string;
  readonly paramIndex?: number;
  readonly paramName?: string;
  readonly shape?: readonly number[];
  readonly outAxis?: number;
}

export type WarningHandler = (warning: GcoptWarning) => void;

const consoleHandler: WarningHandler = (w) => console.warn(`[gcopt] ${w.message}`);
let globalHandler: WarningHandler = consoleHandler;

/** Replaces the process-wide warning handler; `null` restores the default (console.warn). */
export function setWarningHandler(handler: WarningHandler | null): void {
  globalHandler = handler ?? consoleHandler;
}

export function emitWarning(warning: GcoptWarning, local?: WarningHandler): void {
  (local ?? globalHandler)(warning);
}

export function zeroedGradientWarning(
  shape: readonly number[],
  outAxis: number,
  paramIndex?: number,
  paramName?: string,
): GcoptWarning {
  const who = paramName ?? (paramIndex === undefined ? 'a tensor' : `parameter #${paramIndex}`);
  return {
    code: 'gc-zeroes-gradient',
    message:
      `${who} of shape [${shape.join(',')}] has one element per output channel (outAxis ${outAxis}): ` +
      'gradient centralization makes its gradient exactly zero, so it will never move. ' +
      'Exclude it from GC or check its output axis.',
    paramIndex,
    paramName,
    shape,
    outAxis,
  };
}

/** A fused backend runs `optimizer`'s recipe on the core path because `transform` has no fused form. */
export function notFusedWarning(backend: string, optimizer: string, transform: string, reason: string): GcoptWarning {
  return {
    code: 'not-fused',
    message: `${backend} runs ${optimizer} on the core path (same numbers, slower): ${reason}`,
    transform,
    backend,
  };
}
