import { afterAll, describe, expect, it } from 'vitest';
import { casesChecked, checkCentralization } from '../src/index.js';
import { backends } from './backends.js';
import { recordCases } from './summary.js';

afterAll(() => recordCases('centralization', casesChecked()));

describe.each(backends.filter((b) => b.centralization).map((b) => [b.name, b] as const))('centralize on %s', (_name, backend) => {
  it('satisfies every projection property', async () => {
    const report = await checkCentralization(backend.centralization!);
    expect(report.failures.map((f) => f.message)).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(9);
  });
});
