#!/usr/bin/env node
// The mutation gate (part of the package's test script): copies @gcopt/core's built dist/ into a
// scratch directory, applies each mutant of ./mutants.mjs to the copy, and runs the property suite
// (./gate-worker.mjs: the GC projection properties and, for every reference optimizer on the core, the
// oracle value property and the law properties) against it. Fails unless the un-mutated copy passes
// and every mutant is killed; logs the property that killed each. A mutant whose search text is not
// found fails the gate by name. Seed: GCOPT_PROPERTY_SEED, else a fresh one per run (printed).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutants } from './mutants.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const core = realpathSync(join(pkg, 'node_modules/@gcopt/core'));
const seed = process.env.GCOPT_PROPERTY_SEED ?? String((Math.random() * 2 ** 31) | 0);
const runs = process.env.GCOPT_GATE_RUNS ?? '12';
const started = Date.now();
console.log(`mutation gate: seed ${seed} (replay: GCOPT_PROPERTY_SEED=${seed}), ${runs} cases per property`);

// scratch tree: scratch/node_modules/@gcopt/core = a copy of the core's dist; the package's dist and the
// worker beside it, so that '@gcopt/core' resolves to the copy; other dependencies link to the real ones
const scratch = mkdtempSync(join(tmpdir(), 'gcopt-mutation-gate-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const coreCopy = join(scratch, 'node_modules/@gcopt/core');
mkdirSync(coreCopy, { recursive: true });
cpSync(join(core, 'package.json'), join(coreCopy, 'package.json'));
cpSync(join(core, 'dist'), join(coreCopy, 'dist'), { recursive: true, filter: (f) => !/\.(d\.ts|map|wasm)$/.test(f) });
symlinkSync(join(core, 'node_modules'), join(coreCopy, 'node_modules'));
const require = createRequire(join(pkg, 'package.json'));
for (const dep of ['fast-check', 'ndarray']) {
  symlinkSync(dirname(realpathSync(require.resolve(`${dep}/package.json`))), join(scratch, 'node_modules', dep));
}
mkdirSync(join(scratch, 'property-tests'));
writeFileSync(join(scratch, 'property-tests/package.json'), JSON.stringify({ type: 'module' }));
cpSync(join(pkg, 'dist'), join(scratch, 'property-tests/dist'), { recursive: true });
cpSync(join(here, 'gate-worker.mjs'), join(scratch, 'gate-worker.mjs'));
writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));

function runSuite(mode) {
  const out = execFileSync(process.execPath, [join(scratch, 'gate-worker.mjs'), mode], {
    env: { ...process.env, GCOPT_PROPERTY_SEED: seed, GCOPT_GATE_RUNS: runs },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** The search text as a pattern in which every whitespace run matches any whitespace. */
const escapeRegExp = (word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (search) => new RegExp(search.trim().split(/\s+/).map(escapeRegExp).join('\\s+'), 'g');

const problems = [];
const baseline = runSuite('all');
if (baseline.failures.length > 0) {
  problems.push(`the un-mutated core fails the suite:\n${baseline.failures.map((f) => f.message).join('\n')}`);
}
const verdict = baseline.failures.length === 0 ? 'passes' : 'FAILS';
console.log(`  un-mutated core: ${verdict} (${baseline.cases} cases, ${baseline.seconds.toFixed(1)} s)`);

for (const mutant of mutants) {
  const file = join(coreCopy, 'dist', mutant.file);
  const original = readFileSync(file, 'utf8');
  let text = original;
  const missing = [];
  for (const { search, replace } of mutant.patches) {
    const found = text.match(pattern(search))?.length ?? 0;
    if (found !== 1) missing.push(`'${search}' found ${found} times (expected once)`);
    else text = text.replace(pattern(search), () => replace);
  }
  if (missing.length > 0) {
    problems.push(
      `mutant '${mutant.name}': search text not found in dist/${mutant.file}: ${missing.join('; ')}` +
        ' — re-anchor it in scripts/mutants.mjs',
    );
    console.log(`  ${mutant.name}: NOT APPLIED (search text not found)`);
    continue;
  }
  writeFileSync(file, text);
  try {
    const result = runSuite('first');
    if (result.failures.length === 0) {
      problems.push(`mutant '${mutant.name}' SURVIVED the property suite (${result.cases} cases, seed ${seed})`);
      console.log(`  ${mutant.name}: SURVIVED (${result.cases} cases)`);
    } else {
      const killer = result.failures[0];
      console.log(`  ${mutant.name}: killed by '${killer.property}' (${result.seconds.toFixed(1)} s)`);
      const reason = killer.message.split('\n').find((l) => l.startsWith('Got error')) ?? killer.message.split('\n')[0];
      console.log(`      ${reason.slice(0, 400)}`);
    }
  } finally {
    writeFileSync(file, original);
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(`\nmutation gate FAILED (seed ${seed}, ${seconds} s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`mutation gate: all ${mutants.length} mutants killed, un-mutated core passes (${seconds} s, seed ${seed})`);
