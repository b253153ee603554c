import { afterAll, describe, expect, it } from 'vitest';
import {
  casesChecked,
  checkOptimizer,
  checkStepForms,
  referenceCatalog,
  runConfig,
  type Backend,
} from '../src/index.js';
import { backends } from './backends.js';
import { recordCases } from './summary.js';

/**
 * Every catalog optimizer on every backend `select` picks (test files split the backends so that
 * vitest runs them in parallel): the optimizer properties and, for core-interface backends, the
 * pure/in-place ones.
 */
export function defineOptimizerSuite(file: string, select: (b: Backend) => boolean): void {
  afterAll(() => recordCases(file, casesChecked()));
  for (const backend of backends.filter(select)) {
    const opt = backend.optimizers;
    describe(`optimizers on ${backend.name}`, () => {
      for (const entry of referenceCatalog) {
        if (!opt?.supports(entry.name, entry.family)) continue;
        it(`${entry.name} (${entry.family})`, async () => {
          const report = await checkOptimizer((params, hyper) => opt.create(entry.name, entry.family, hyper, params), {
            name: `${backend.name} ${entry.name}`,
            hyper: entry.hyper,
            preservesMean: entry.claims,
            checkState: opt.describesState ?? false,
            dtypes: opt.dtypes,
            outAxes: opt.outAxes,
            accumulation: opt.accumulation,
            numRuns: runConfig({}, opt.budget?.numRuns).numRuns,
            maxSteps: opt.budget?.maxSteps,
            maxSize: opt.budget?.maxSize,
            reference: { name: entry.name, family: entry.family },
            valueCases: opt.valueCasesFor?.(entry.name, entry.family) ?? opt.valueCases,
          });
          expect(report.failures.map((f) => f.message)).toEqual([]);
        });
      }
    });
    if (backend.coreOptimizers) {
      const create = backend.coreOptimizers;
      describe(`pure and in-place step forms on ${backend.name}`, () => {
        for (const entry of referenceCatalog) {
          it(`${entry.name} (${entry.family})`, async () => {
            const report = await checkStepForms((hyper) => create(entry.name, entry.family, hyper), {
              name: `${backend.name} ${entry.name}`,
              hyper: entry.hyper,
            });
            expect(report.failures.map((f) => f.message)).toEqual([]);
          });
        }
      });
    }
  }
}
