import { afterAll, describe, expect, it } from 'vitest';
import {
  canCentralizeViaSgd,
  casesChecked,
  centralizationViaSgd,
  checkCentralization,
  runConfig,
  type CentralizationImplementation,
} from '../src/index.js';
import { backends } from './backends.js';
import { recordCases } from './summary.js';

afterAll(() => recordCases('centralization', casesChecked()));

// each backend's own GC where it has one, and the GC inside its SGD optimizers (p₁ = −P(g)) otherwise too
const subjects: [string, CentralizationImplementation, number | undefined][] = backends.flatMap((b) => [
  ...(b.centralization
    ? [[b.name, b.centralization, undefined] as [string, CentralizationImplementation, undefined]]
    : []),
  ...(canCentralizeViaSgd(b.optimizers)
    ? [
        [`${b.name} SGD`, centralizationViaSgd(b.name, b.optimizers), b.optimizers.budget?.numRuns] as [
          string,
          CentralizationImplementation,
          number | undefined,
        ],
      ]
    : []),
]);

describe.each(subjects)('centralize on %s', (_name, impl, budget) => {
  it('satisfies every projection property', async () => {
    const report = await checkCentralization(impl, {
      numRuns: runConfig({}, budget).numRuns,
      maxSize: budget ? 48 : undefined,
    });
    expect(report.failures.map((f) => f.message)).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(9);
  });
});
