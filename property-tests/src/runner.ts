import fc from 'fast-check';
import { runConfig, type RunConfig } from './config.js';

/** The outcome of one property over its generated cases. */
export interface PropertyResult {
  /** `<subject> › <property>`, e.g. `core centralize › idempotent`. */
  readonly name: string;
  readonly failed: boolean;
  /** Generated cases that ran (the failing one included). */
  readonly numRuns: number;
  readonly seed: number;
  /** fast-check's replay path of the (shrunk) counterexample. */
  readonly path?: string;
  /** fast-check's report: the shrunk counterexample, the seed and path to replay it, the error. */
  readonly message?: string;
}

/** All properties checked for one subject (an implementation, an optimizer on a backend). */
export interface VerificationReport {
  readonly subject: string;
  readonly results: readonly PropertyResult[];
  /** Sum of `numRuns` over the results. */
  readonly casesChecked: number;
  readonly failures: readonly PropertyResult[];
}

let totalCases = 0;
let totalProperties = 0;

/** Generated cases checked by this process so far, over every property (for a test-run summary). */
export function casesChecked(): { cases: number; properties: number } {
  return { cases: totalCases, properties: totalProperties };
}

/** A property over `arb` whose predicate throws (or returns false) on a counterexample. */
export interface NamedProperty<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  readonly predicate: (value: T) => Promise<boolean | void> | boolean | void;
  /** Cases for this property when it needs its own budget (large tensors); default the run's. */
  readonly numRuns?: number;
}

/** Runs one property with the run configuration and counts its cases. */
export async function checkProperty<T>(
  property: NamedProperty<T>,
  config: RunConfig = runConfig(),
): Promise<PropertyResult> {
  const details = await fc.check(
    fc.asyncProperty(property.arbitrary, async (value) => property.predicate(value)),
    {
      numRuns: property.numRuns ?? config.numRuns,
      seed: config.seed,
      path: config.path,
      endOnFailure: config.shrink === false,
      includeErrorInReport: true,
    },
  );
  totalCases += details.numRuns;
  totalProperties += 1;
  return {
    name: property.name,
    failed: details.failed,
    numRuns: details.numRuns,
    seed: details.seed,
    path: details.counterexamplePath ?? undefined,
    message: details.failed ? `${property.name}: ${fc.defaultReportMessage(details)}` : undefined,
  };
}

/** Runs properties one after the other and collects them in a report. */
export async function checkAll(
  subject: string,
  properties: readonly NamedProperty<any>[],
  config: RunConfig = runConfig(),
): Promise<VerificationReport> {
  const results: PropertyResult[] = [];
  for (const p of properties) results.push(await checkProperty(p, config));
  return {
    subject,
    results,
    casesChecked: results.reduce((s, r) => s + r.numRuns, 0),
    failures: results.filter((r) => r.failed),
  };
}

/** Thrown by the `verify*` functions: its message holds every failing property's report. */
export class PropertyVerificationError extends Error {
  override name = 'PropertyVerificationError';
  constructor(readonly report: VerificationReport) {
    super(
      `${report.subject}: ${report.failures.length} of ${report.results.length} properties failed\n\n` +
        report.failures.map((f) => f.message).join('\n\n'),
    );
  }
}

/** Throws `PropertyVerificationError` if any property of the report failed; returns it otherwise. */
export function assertReport(report: VerificationReport): VerificationReport {
  if (report.failures.length > 0) throw new PropertyVerificationError(report);
  return report;
}

/** A property failure with a readable reason (fast-check prints the message with the counterexample). */
export function fail(reason: string): never {
  throw new Error(reason);
}
