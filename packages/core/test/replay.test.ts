import { describe, expect, it } from 'vitest';
import { coreBackend, replayGolden } from '../src/index.js';
import { goldenFiles, loadInputs } from './goldenFixtures.js';

const inputs = loadInputs();
const files = goldenFiles();

describe('conformance: replay of the reference trajectories', () => {
  it('has all 23 reference classes', () => {
    expect(files.length).toBe(23);
  });

  for (const { golden } of files) {
    for (const mode of ['in-place', 'pure'] as const) {
      it(`${golden.family}/${golden.optimizer} (${mode})`, () => {
        const report = replayGolden(golden, inputs, { backend: coreBackend(mode) });
        const failed = report.cases.filter((c) => !c.passed);
        expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
        // every case in every recorded precision was checked
        const expected = golden.cases.reduce((n, c) => n + (c.float64_nocast ? 3 : 2), 0);
        expect(report.cases.length).toBe(expected);
        const badRecords = report.errorRecords.filter((r) => !r.passed);
        expect(badRecords, JSON.stringify(badRecords, null, 1)).toEqual([]);
        expect(report.errorRecords.length).toBe((golden.errors?.length ?? 0) + (golden.accepted?.length ?? 0));
      });
    }
  }
});
