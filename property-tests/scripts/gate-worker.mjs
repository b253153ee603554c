// One run of the property suite against whichever @gcopt/core this file resolves (the mutation gate
// copies it next to a patched copy of the core). Prints one JSON line: the first failing property
// (`stopAtFirst`) or every failure, the cases checked and the seconds taken.
import {
  checkCentralization,
  checkOptimizer,
  coreBackend,
  coreCentralization,
  referenceCatalog,
} from './property-tests/dist/index.js';

const stopAtFirst = process.argv[2] === 'first';
const numRuns = Number(process.env.GCOPT_GATE_RUNS ?? 12);
const seed = Number(process.env.GCOPT_PROPERTY_SEED);
const started = Date.now();
const failures = [];
let cases = 0;

const subjects = [
  () => checkCentralization(coreCentralization, { numRuns: numRuns * 2, seed }),
  ...referenceCatalog.map((entry) => () => {
    const opt = coreBackend.optimizers;
    return checkOptimizer((params, hyper) => opt.create(entry.name, entry.family, hyper, params), {
      name: `core ${entry.name} (${entry.family})`,
      hyper: entry.hyper,
      preservesMean: entry.claims,
      checkState: true,
      accumulation: opt.accumulation,
      reference: { name: entry.name, family: entry.family },
      valueCases: opt.valueCases,
      numRuns,
      seed,
    });
  }),
];

for (const subject of subjects) {
  const report = await subject();
  cases += report.casesChecked;
  for (const f of report.failures) {
    failures.push({ property: f.name, message: f.message.split('\n').slice(0, 12).join('\n') });
  }
  if (stopAtFirst && failures.length > 0) break;
}
console.log(JSON.stringify({ failures, cases, seconds: (Date.now() - started) / 1000 }));
