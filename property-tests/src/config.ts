/**
 * How many cases each property generates and from which seed.
 *
 * Default (CI too): a fixed `numRuns` that fits in CI time and a seed drawn afresh for each process
 * (each run explores new cases; every failure report prints the seed and path that replay it, and the
 * test suite prints the seed it ran with). Environment:
 * - `GCOPT_PROPERTY_SEED=<int>`: the seed (replays a failure from a log);
 * - `GCOPT_PROPERTY_SOAK=1`: a long soak: `numRuns` ×20;
 * - `GCOPT_PROPERTY_RUNS=<n>`: `numRuns` per property.
 */
export interface RunConfig {
  /** Cases generated per property. */
  readonly numRuns: number;
  /** fast-check seed. */
  readonly seed: number;
  /** Replay path printed by an earlier failure (fast-check `path`), to re-run only that case. */
  readonly path?: string;
  /**
   * false: report the first counterexample as found, without shrinking it (fast-check `endOnFailure`).
   * For checks that expect a failure and need only to see it: shrinking a failing optimizer trajectory
   * took 8 minutes with one seed.
   */
  readonly shrink?: boolean;
}

/** A fixed seed for checks that must be reproducible run to run (the harness's own expected-failure tests). */
export const DEFAULT_SEED = 20200407;
/** Cases per property in a normal run. */
export const DEFAULT_NUM_RUNS = 60;
/** How many times more cases a soak run (`GCOPT_PROPERTY_SOAK=1`) checks. */
export const SOAK_FACTOR = 20;

function env(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.[name];
}

let processSeed: number | undefined;

/** This process's seed when none is given: drawn once, so every property of a run shares it. */
export function rotatingSeed(): number {
  processSeed ??= (Math.random() * 2 ** 31) | 0;
  return processSeed;
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
  const seed = seedText ? Number.parseInt(seedText, 10) : rotatingSeed();
  if (!Number.isInteger(numRuns) || numRuns < 1)
    throw new RangeError(`GCOPT_PROPERTY_RUNS must be a positive integer, got '${runsText}'`);
  if (!Number.isInteger(seed)) throw new RangeError(`GCOPT_PROPERTY_SEED must be an integer, got '${seedText}'`);
  return { numRuns, seed, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}
