import type { DType } from '@gcopt/core';
import type { OutAxisChoice } from '../arbitraries/tensors.js';
import { runConfig, type RunConfig } from '../config.js';
import { assertReport, checkAll, type VerificationReport } from '../runner.js';
import type { CentralizationImplementation } from './implementation.js';
import { centralizationProperties } from './properties.js';

/** Options of `verifyCentralization` / `checkCentralization`. */
export interface CentralizationVerifyOptions extends Partial<RunConfig> {
  /** Largest tensor drawn, in elements (default 240). */
  maxSize?: number;
}

/**
 * Checks every property of the GC projection `P = centralize` on `impl` (zero-mean slices,
 * idempotent, linear, invariant to per-slice constants, self-adjoint, norm non-increasing, rank rule
 * pass-through bit-identical, outAxis ≡ transpose, input unchanged, empty shapes rejected) and returns
 * the report without throwing.
 */
export async function checkCentralization(
  impl: CentralizationImplementation,
  options: CentralizationVerifyOptions = {},
): Promise<VerificationReport> {
  const { maxSize = 240, ...config } = options;
  const dtypes: readonly DType[] = impl.dtypes ?? ['float32', 'float64'];
  const outAxes: readonly OutAxisChoice[] = impl.outAxes ?? [0, -1];
  return checkAll(
    `centralize: ${impl.name}`,
    centralizationProperties({ impl, dtypes, outAxes, maxSize }),
    runConfig(config),
  );
}

/**
 * As `checkCentralization`, but throws a `PropertyVerificationError` whose message shows each failing
 * property's shrunk counterexample and the seed/path to replay it. Use it from any test runner:
 * `await verifyCentralization(myImpl)`.
 */
export async function verifyCentralization(
  impl: CentralizationImplementation,
  options: CentralizationVerifyOptions = {},
): Promise<VerificationReport> {
  return assertReport(await checkCentralization(impl, options));
}
