import { expect } from 'vitest';
import type { VerificationReport } from '../../src/index.js';

/**
 * Asserts that the property whose name contains `fragment` ran and FAILED on a deliberately broken
 * implementation, and that its report shows what a user needs to replay it.
 */
export function expectPropertyFails(report: VerificationReport, fragment: string): void {
  const result = report.results.find((r) => r.name.includes(fragment));
  expect(
    result,
    `no property named like '${fragment}' in ${report.results.map((r) => r.name).join(' | ')}`,
  ).toBeDefined();
  expect(result!.failed, `'${result!.name}' should fail on this mutant`).toBe(true);
  expect(result!.message).toMatch(/seed: -?\d+/);
  expect(result!.message).toMatch(/path: "[\d:]+"/);
  expect(result!.message).toMatch(/Counterexample:/);
}

export function expectPropertyPasses(report: VerificationReport, fragment: string): void {
  const result = report.results.find((r) => r.name.includes(fragment));
  expect(result).toBeDefined();
  expect(result!.message).toBeUndefined();
}
