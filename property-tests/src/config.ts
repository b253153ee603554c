/**
 * How many cases each property generates and from which seed.
 *
 * Default (CI): a fixed seed and a fixed `numRuns`, so every run checks the same cases and fits in
 * CI time. Environment:
 * - `GCOPT_PROPERTY_SOAK=1`: a long soak: `numRuns` ×20 and a random seed (printed on failure with
 *   the path to replay the shrunk counterexample);
 * - `GCOPT_PROPERTY_RUNS=<n>`: `numRuns` per property;
 * - `GCOPT_PROPERTY_SEED=<int>`: the seed (e.g. to replay a soak failure).
 */
export interface RunConfig {
  /** Cases generated per property. */
  readonly numRuns: number;
  /** fast-check seed. */
  readonly seed: number;
  /** Replay path printed by an earlier failure (fast-check `path`), to re-run only that case. */
  readonly path?: string;
}

/** The fixed seed of every run, unless `GCOPT_PROPERTY_SEED` or soak mode chooses another. */
export const DEFAULT_SEED = 20200407;
/** Cases per property in a normal run. */
export const DEFAULT_NUM_RUNS = 60;
/** How many times more cases a soak run (`GCOPT_PROPERTY_SOAK=1`) checks. */
export const SOAK_FACTOR = 20;

function env(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.[name];
}

/**
 * The run configuration from the environment (see the module comment), merged with `overrides`.
 * `baseRuns` replaces DEFAULT_NUM_RUNS as the CI budget (slow backends); the soak multiplies it too,
 * `GCOPT_PROPERTY_RUNS` overrides it.
 */
export function runConfig(overrides: Partial<RunConfig> = {}, baseRuns = DEFAULT_NUM_RUNS): RunConfig {
  const soak = env('GCOPT_PROPERTY_SOAK') === '1';
  const runsText = env('GCOPT_PROPERTY_RUNS');
  const seedText = env('GCOPT_PROPERTY_SEED');
  const numRuns = runsText ? Number.parseInt(runsText, 10) : soak ? baseRuns * SOAK_FACTOR : baseRuns;
  const seed = seedText ? Number.parseInt(seedText, 10) : soak ? (Math.random() * 2 ** 31) | 0 : DEFAULT_SEED;
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new RangeError(`GCOPT_PROPERTY_RUNS must be a positive integer, got '${runsText}'`);
  if (!Number.isInteger(seed)) throw new RangeError(`GCOPT_PROPERTY_SEED must be an integer, got '${seedText}'`);
  return { numRuns, seed, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}
