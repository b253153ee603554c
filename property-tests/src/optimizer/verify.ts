import fc from 'fast-check';
import type { GcRule } from '@gcopt/core';
import { runConfig, type RunConfig } from '../config.js';
import { assertReport, checkAll, type VerificationReport } from '../runner.js';
import type { MeanClaims, OptimizerFactory, OptimizerSubjectOptions } from './instance.js';
import { optimizerProperties } from './properties.js';

/** Options of `verifyOptimizer` / `checkOptimizer`. */
export interface OptimizerVerifyOptions<H> extends OptimizerSubjectOptions, Partial<RunConfig> {
  /** Shown in reports (default 'optimizer'). */
  readonly name?: string;
  /** Hyper-parameters to draw (default: the constant `{}`). Include `lr` if you want it in the default bounds. */
  readonly hyper?: fc.Arbitrary<H>;
  /**
   * Which tensors keep their per-channel weight means: a GC rule (`'gc'`: rank ≥ 2, `'gcc'`: rank ≥ 4),
   * `'none'`, or a function of the hyper-parameters returning the full `MeanClaims`.
   */
  readonly preservesMean: GcRule | ((hyper: H) => MeanClaims);
  /** With a rule for `preservesMean`: fan-in-1 tensors under this rule never move (default: the same rule). */
  readonly fanInOneFrozen?: GcRule;
  /** Check `stateShapes()` of the instances (default false). */
  readonly checkState?: boolean;
  /** Most steps per case (default 8). */
  readonly maxSteps?: number;
  /** Largest parameter in elements (default 96). */
  readonly maxSize?: number;
}

/** Whether some drawn hyper-parameters make a claim (a property that never applies is left out). */
function sometimes<H>(hyper: fc.Arbitrary<H>, claims: (h: H) => MeanClaims, key: 'preservesMean' | 'fanInOneFrozen'): boolean {
  return fc.sample(hyper, { numRuns: 200, seed: 1 }).some((h) => claims(h)[key] !== 'none');
}

/**
 * Checks an optimizer: the claimed per-channel mean law over k steps (to derived tolerances), fan-in-1
 * tensors frozen, zero learning rate = no change, gradients not modified, determinism, and (with
 * `checkState`) stable state shapes. Returns the report without throwing.
 */
export async function checkOptimizer<H>(factory: OptimizerFactory<H>, options: OptimizerVerifyOptions<H>): Promise<VerificationReport> {
  const {
    name = 'optimizer',
    hyper = fc.constant({} as H),
    preservesMean,
    fanInOneFrozen,
    checkState = false,
    maxSteps = 8,
    maxSize = 96,
    dtypes = ['float32', 'float64'],
    outAxes = [0, -1],
    accumulation = 'storage',
    ...config
  } = options;
  const claims =
    typeof preservesMean === 'function'
      ? preservesMean
      : (): MeanClaims => ({ preservesMean, fanInOneFrozen: fanInOneFrozen ?? preservesMean });
  const properties = optimizerProperties({
    name,
    factory,
    hyper,
    claims,
    dtypes,
    outAxes,
    accumulation,
    maxSteps,
    maxSize,
    include: {
      mean: sometimes(hyper, claims, 'preservesMean'),
      fanInOne: sometimes(hyper, claims, 'fanInOneFrozen'),
      state: checkState,
    },
  });
  return checkAll(name, properties, runConfig(config));
}

/** As `checkOptimizer`, but throws a `PropertyVerificationError` (shrunk counterexample, seed, path) on failure. */
export async function verifyOptimizer<H>(factory: OptimizerFactory<H>, options: OptimizerVerifyOptions<H>): Promise<VerificationReport> {
  return assertReport(await checkOptimizer(factory, options));
}
