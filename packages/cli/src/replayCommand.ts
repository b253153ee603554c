import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { coreEngine, replayGolden, type GoldenFile, type GoldenInputs, type ReplayReport } from '@gcopt/core';
import { parseArgs, UsageError } from './args.js';

export const REPLAY_USAGE = `usage: gcopt replay --golden FILE|DIR [--golden FILE|DIR …] [--inputs FILE] [--mode in-place|pure] [--json]

Replays every case of gc-golden/1 trajectory files (recorded from the reference PyTorch code) through
gcopt in float64 (and float64_nocast where present) and float32, checks the errors/accepted records,
and prints the max relative error |a-b|/max(1,|b|) of each case against the docs/ALGORITHMS.md §0.5 tolerances.
--inputs defaults to the file named by each golden file's "inputs" field, beside it.
A directory is searched recursively for *.json files other than inputs.json.
With --json the last line is {"cases","passed","failed":[ids],"errorsChecked","errorsPassed"}.
Exit code 0 only if everything passed.`;

export interface ReplaySummary {
  cases: number;
  passed: number;
  failed: string[];
  errorsChecked: number;
  errorsPassed: number;
}

/** Collects golden files: plain paths, or every *.json (but inputs.json) under a directory. */
function collectGoldenPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [resolve(p)];
    return readdirSync(p, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json') && !f.endsWith('inputs.json'))
      .sort()
      .map((f) => resolve(p, f));
  });
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

export function runReplay(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, ['golden', 'inputs', 'mode']);
  const goldenArgs = args.options.get('golden') ?? [];
  if (goldenArgs.length === 0 || args.positional.length > 0) throw new UsageError(REPLAY_USAGE);
  const mode = args.options.get('mode')?.at(-1) ?? 'in-place';
  if (mode !== 'in-place' && mode !== 'pure') throw new UsageError(`--mode must be in-place or pure, got ${mode}`);
  const json = args.flags.has('json');
  const inputsOverride = args.options.get('inputs')?.at(-1);
  const inputsCache = new Map<string, GoldenInputs>();
  const summary: ReplaySummary = { cases: 0, passed: 0, failed: [], errorsChecked: 0, errorsPassed: 0 };

  for (const path of collectGoldenPaths(goldenArgs)) {
    const golden = readJson<GoldenFile & { inputs?: string }>(path, 'golden file');
    if (golden.schema !== 'gc-golden/1') throw new UsageError(`${path} is not a gc-golden/1 file`);
    const chosen = inputsOverride ? resolve(inputsOverride) : findInputs(path, golden.inputs ?? 'inputs.json');
    let inputs = inputsCache.get(chosen);
    if (!inputs) inputsCache.set(chosen, (inputs = readJson<GoldenInputs>(chosen, 'inputs file')));
    const report = replayGolden(golden, inputs, { engine: coreEngine(mode) });
    printReport(report, out);
    tally(report, summary);
  }
  out(`${summary.passed}/${summary.cases} cases passed, ${summary.errorsPassed}/${summary.errorsChecked} error records passed`);
  if (json) out(JSON.stringify(summary));
  return summary.passed === summary.cases && summary.errorsPassed === summary.errorsChecked ? 0 : 1;
}

/** The inputs file named by a golden file: beside it, or one folder up (golden/<family>/X.json). */
function findInputs(goldenPath: string, name: string): string {
  const candidates = [join(dirname(goldenPath), name), join(dirname(goldenPath), '..', name)].map((p) => resolve(p));
  const found = candidates.find((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!found) throw new UsageError(`cannot find ${name} for ${goldenPath} (looked in ${candidates.join(', ')}); pass --inputs`);
  return found;
}

function printReport(report: ReplayReport, out: (line: string) => void): void {
  out(`${report.family}/${report.optimizer}`);
  for (const c of report.cases) {
    const verdict = c.passed ? 'ok  ' : 'FAIL';
    const detail = c.failure ? `  (${c.failure})` : '';
    out(`  ${verdict} ${c.id} [${c.precision}] max rel err ${c.maxRelError.toExponential(2)} (tol ${c.tolerance})${detail}`);
  }
  for (const r of report.errorRecords) {
    if (!r.passed) out(`  FAIL error record ${JSON.stringify(r.kwargs)}: expected ${r.expected}, got ${r.got}`);
  }
  const okRecords = report.errorRecords.filter((r) => r.passed).length;
  out(`  error records: ${okRecords}/${report.errorRecords.length} as the reference`);
}

/** A golden case passes when every precision it records passes. */
function tally(report: ReplayReport, summary: ReplaySummary): void {
  const byCase = new Map<string, boolean>();
  for (const c of report.cases) byCase.set(c.id, (byCase.get(c.id) ?? true) && c.passed);
  for (const [id, passed] of byCase) {
    summary.cases++;
    if (passed) summary.passed++;
    else summary.failed.push(`${report.family}/${report.optimizer}:${id}`);
  }
  summary.errorsChecked += report.errorRecords.length;
  summary.errorsPassed += report.errorRecords.filter((r) => r.passed).length;
}
