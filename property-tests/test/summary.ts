/**
 * Reports how many generated cases the run checked in total. Each test file's `recordCases()` (in an
 * afterAll) writes its count to a file in a directory made by the global setup; the teardown sums and
 * prints them (test files run in separate workers, so a module-level counter cannot see them all).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfig } from '../src/config.js';

const DIR_VARIABLE = 'GCOPT_PROPERTY_COUNT_DIR';

export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'gcopt-property-counts-'));
  process.env[DIR_VARIABLE] = dir;
  // one seed for every test file (workers inherit the environment), fresh each run unless given
  process.env.GCOPT_PROPERTY_SEED ??= String(runConfig().seed);
  const seed = process.env.GCOPT_PROPERTY_SEED;
  console.log(`\n@gcopt/property-tests: seed ${seed} (replay this run: GCOPT_PROPERTY_SEED=${seed})\n`);
  return () => {
    let cases = 0;
    let properties = 0;
    for (const f of readdirSync(dir)) {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: number; properties: number };
      cases += c.cases;
      properties += c.properties;
    }
    const { seed, numRuns } = runConfig();
    console.log(
      `\n@gcopt/property-tests: ${cases} generated cases checked across ${properties} property runs ` +
        `(seed ${seed}, replay with GCOPT_PROPERTY_SEED=${seed}; ${numRuns} cases per property, ` +
        'fewer on the GPU backends: see test/backends/gpu.ts)\n',
    );
    rmSync(dir, { recursive: true, force: true });
  };
}

export default setup;

/** Called by each test file after its tests: saves this worker's count. */
export function recordCases(file: string, counts: { cases: number; properties: number }): void {
  const dir = process.env[DIR_VARIABLE];
  if (!dir) return;
  writeFileSync(join(dir, `${file.replace(/[^\w.-]/g, '_')}-${process.pid}.json`), JSON.stringify(counts));
}
