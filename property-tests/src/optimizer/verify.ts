import fc from 'fast-check';
import type { GcRule } from '@gcopt/core';
import { runConfig, type RunConfig } from '../config.js';
import type { NamedProperty } from '../runner.js';
import { assertReport, checkAll, type VerificationReport } from '../runner.js';
import type { MeanClaims, OptimizerFactory, OptimizerSubjectOptions } from './instance.js';
import { optimizerProperties } from './properties.js';
import { valueProperty, type OracleClaim } from './valueProperty.js';
import type { AxisPosition } from '../arbitraries/valueCase.js';

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
  /**
   * The reference optimizer this implementation claims to be (e.g. `{ name: 'Adam_GC2', family:
   * 'first_release' }`): adds the value property, every step against the float64 oracle. `hyper` must
   * then hold that optimizer's options in gcopt's camelCase names (`hyperParameters.*` has them).
   */
  readonly reference?: OracleClaim;
}

/** The output-axis positions the value cases may draw for these layouts. */
export function axisPositions(outAxes: readonly (0 | -1)[], middleAxis: boolean): AxisPosition[] {
  return [
    ...(outAxes.includes(0) ? (['first'] as const) : []),
    ...(outAxes.includes(-1) ? (['last'] as const) : []),
    ...(middleAxis ? (['middle'] as const) : []),
  ];
}

/** Whether some drawn hyper-parameters make a claim (a property that never applies is left out). */
function sometimes<H>(
  hyper: fc.Arbitrary<H>,
  claims: (h: H) => MeanClaims,
  key: 'preservesMean' | 'fanInOneFrozen',
): boolean {
  return fc.sample(hyper, { numRuns: 200, seed: 1 }).some((h) => claims(h)[key] !== 'none');
}

/**
 * Checks an optimizer: the claimed per-channel mean law over k steps (to derived tolerances), fan-in-1
 * tensors frozen, zero learning rate = no change, gradients not modified, determinism, and (with
 * `checkState`) stable state shapes. Returns the report without throwing.
 */
export async function checkOptimizer<H>(
  factory: OptimizerFactory<H>,
  options: OptimizerVerifyOptions<H>,
): Promise<VerificationReport> {
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
    reference,
    valueCases = {},
    ...config
  } = options;
  const claims =
    typeof preservesMean === 'function'
      ? preservesMean
      : (): MeanClaims => ({ preservesMean, fanInOneFrozen: fanInOneFrozen ?? preservesMean });
  const properties: NamedProperty<any>[] = optimizerProperties({
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
  const run = runConfig(config);
  if (reference) {
    const cases = {
      dtypes,
      axes: axisPositions(outAxes, valueCases.middleAxis ?? false),
      nullGradients: valueCases.nullGradients ?? false,
      gcExclusion: valueCases.gcExclusion ?? false,
      lrModes: valueCases.schedules
        ? (['constant', 'schedule', 'override'] as const)
        : (['constant', 'override'] as const),
      maxSteps,
      maxSize,
    };
    const value = { name, factory, hyper, reference, accumulation };
    properties.unshift(valueProperty({ ...value, cases }));
    if (valueCases.largeRuns) {
      const large = valueProperty({
        ...value,
        cases: { ...cases, large: true, maxSteps: Math.min(maxSteps, 3) },
        label: 'a tensor above 32,768 elements',
      });
      properties.push({ ...large, numRuns: runConfig({}, valueCases.largeRuns).numRuns });
    }
  }
  return checkAll(name, properties, run);
}

/** As `checkOptimizer`, but throws a `PropertyVerificationError` (shrunk counterexample, seed, path) on failure. */
export async function verifyOptimizer<H>(
  factory: OptimizerFactory<H>,
  options: OptimizerVerifyOptions<H>,
): Promise<VerificationReport> {
  return assertReport(await checkOptimizer(factory, options));
}
