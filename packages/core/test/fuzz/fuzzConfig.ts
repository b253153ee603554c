import fc from 'fast-check';

/**
 * The input fuzzers' run settings: a fixed seed and at least 1,000 generated inputs per property,
 * so every test run checks the same inputs. `GCOPT_FUZZ_SEED=<int>` and `GCOPT_FUZZ_RUNS=<n>`
 * change them (to replay a failure, or to soak). The seed is printed with every property.
 * Shared with @gcopt/float32's fuzzers.
 */
export const FUZZ_SEED = 20260414;
export const FUZZ_RUNS = 1000;

export interface FuzzParameters {
  readonly seed: number;
  readonly numRuns: number;
}

export function fuzzParameters(property: string): FuzzParameters {
  const seedText = process.env.GCOPT_FUZZ_SEED;
  const runsText = process.env.GCOPT_FUZZ_RUNS;
  const seed = seedText ? Number.parseInt(seedText, 10) : FUZZ_SEED;
  const numRuns = runsText ? Number.parseInt(runsText, 10) : FUZZ_RUNS;
  if (!Number.isInteger(seed)) throw new RangeError(`GCOPT_FUZZ_SEED must be an integer, got '${seedText}'`);
  if (!Number.isInteger(numRuns) || numRuns < 1) {
    throw new RangeError(`GCOPT_FUZZ_RUNS must be a positive integer, got '${runsText}'`);
  }
  console.log(`[fuzz] ${property}: ${numRuns} inputs, seed ${seed} (GCOPT_FUZZ_SEED=${seed} to replay)`);
  return { seed, numRuns };
}

/** Runs a property with the fuzz settings; fast-check's report (seed, path, shrunk input) on failure. */
export function fuzz<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IProperty<Ts>): void {
  fc.assert(property, fuzzParameters(name));
}

/** Values a user might pass anywhere: the right kinds and every wrong one. */
export const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, 0, -0, 1, -1, true, false, '', 'false', 'true', '0.1'),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.array(fc.double(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    fc.constant(() => 0.1),
    fc.constant(new Float32Array(2)),
  );
