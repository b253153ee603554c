import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  AXIS_LAYOUTS,
  GoldenFormatError,
  isAxisLayout,
  replayGoldenAsync,
  validateGoldenFile,
  validateGoldenInputs,
  type AxisLayout,
  type GoldenFile,
  type GoldenInputs,
  type ReplayReport,
} from '@gcopt/core';
import { parseArgs, UsageError } from './args.js';
import { BACKEND_NAMES, isBackendName, loadBackend, type BackendName, type BackendOptions } from './backends/index.js';

export const REPLAY_USAGE = `usage: gcopt replay --golden FILE|DIR [--golden FILE|DIR …] [--inputs FILE]
                    [--backend ${BACKEND_NAMES.join('|')}] [--layout ${AXIS_LAYOUTS.join('|')}]
                    [--mode in-place|pure] [--threads N] [--tf-backend cpu|wasm]
                    [--float32-backend auto|core|fast] [--json]

Replays every case of gc-golden/1 trajectory files (recorded from the reference PyTorch code) through
a gcopt backend (default core) and prints the max relative error |a-b|/max(1,|b|) of each case, over
the parameters after every step and the final optimizer state, against the tolerances of
docs/ALGORITHMS.md §0.5 (float64 1e-12, float32 1e-5). Backends that compute in float64 (core,
fast-js) replay the float64 (and float64_nocast) recordings too; the others the float32 one.
--layout permutes every tensor's axes: first = as recorded [out, in, k…]; last = [k…, in, out]
(tfjs Dense, Conv2D); middle = [k…, out, in] (tfjs Conv2DTranspose). It also checks the
errors/accepted records. --mode picks the core's step, --threads the fast path's WebAssembly threads
(default 1), --tf-backend the tfjs backend (default cpu), --float32-backend @gcopt/float32's backend for
--backend float32 and ort (default auto: the fast path where it fuses the recipe, else the core).
--inputs defaults to the file named by each golden file's "inputs" field, beside it.
A directory is searched recursively for *.json files other than inputs.json.
With --json the last line is {"cases","passed","failed":[ids],"errorsChecked","errorsPassed"}.
Exit code 0 only if every case passed (and at least one ran), 1 if not, 2 for a usage error or a
file that is not gc-golden/1, 3 if the backend is not available on this machine.`;

export interface ReplaySummary {
  cases: number;
  passed: number;
  failed: string[];
  errorsChecked: number;
  errorsPassed: number;
}

/** What one backend × layout run found: the summary and the cases that ran on the backend's fallback. */
export interface ReplayOutcome {
  readonly summary: ReplaySummary;
  /** `family/optimizer:id [precision]: reason`, one per precision of a case that ran on the fallback. */
  readonly fallbacks: string[];
}

export interface ReplaySettings extends BackendOptions {
  readonly golden: readonly string[];
  readonly inputs?: string;
  readonly backend?: BackendName;
  readonly layout?: AxisLayout;
}

/** Collects golden files: plain paths, or every *.json (but inputs.json) under a directory. */
function collectGoldenPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let directory: boolean;
    try {
      directory = statSync(p).isDirectory();
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as Error).message}`);
    }
    if (!directory) return [resolve(p)];
    return readdirSync(p, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json') && !f.endsWith('inputs.json'))
      .sort()
      .map((f) => resolve(p, f));
  });
}

/** Reads a JSON file and checks it against gc-golden/1; one line naming the first bad field if not. */
function readChecked<T>(
  path: string,
  what: 'golden file' | 'inputs file',
  validate: (x: unknown) => asserts x is T,
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    validate(parsed);
  } catch (e) {
    if (e instanceof GoldenFormatError) throw new UsageError(`${path} is not a gc-golden/1 ${what}: ${e.message}`);
    throw e;
  }
  return parsed;
}

const validateGolden: (x: unknown) => asserts x is GoldenFile & { inputs?: string } = validateGoldenFile;
const validateInputs: (x: unknown) => asserts x is GoldenInputs = validateGoldenInputs;

/**
 * Replays golden files through one backend in one layout. Throws UsageError for unreadable or
 * malformed files and BackendUnavailableError when the backend cannot run here.
 */
export async function replayFiles(
  settings: ReplaySettings,
  out: (line: string) => void = () => {},
): Promise<ReplayOutcome> {
  const paths = collectGoldenPaths(settings.golden);
  const backend = await loadBackend(settings.backend ?? 'core', settings);
  const layout = settings.layout ?? 'first';
  out(`backend ${backend.label}, layout ${layout} (${backend.dtypes.join(' and ')})`);
  const inputsCache = new Map<string, GoldenInputs>();
  const summary: ReplaySummary = { cases: 0, passed: 0, failed: [], errorsChecked: 0, errorsPassed: 0 };
  const fallbacks: string[] = [];
  for (const path of paths) {
    const golden = readChecked(path, 'golden file', validateGolden);
    const chosen = settings.inputs ? resolve(settings.inputs) : findInputs(path, golden.inputs ?? 'inputs.json');
    let inputs = inputsCache.get(chosen);
    if (!inputs) inputsCache.set(chosen, (inputs = readChecked(chosen, 'inputs file', validateInputs)));
    let report: ReplayReport;
    try {
      report = await replayGoldenAsync(golden, inputs, { backend: backend.replay, layout, dtypes: backend.dtypes });
    } catch (e) {
      if (e instanceof GoldenFormatError) throw new UsageError(`${path} does not fit ${chosen}: ${e.message}`);
      throw e;
    }
    printReport(report, out);
    tally(report, summary);
    for (const c of report.cases) {
      if (c.fallback) fallbacks.push(`${report.family}/${report.optimizer}:${c.id} [${c.precision}]: ${c.fallback}`);
    }
  }
  return { summary, fallbacks };
}

export async function runReplay(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, [
    'golden',
    'inputs',
    'mode',
    'backend',
    'layout',
    'threads',
    'tf-backend',
    'float32-backend',
  ]);
  const golden = args.options.get('golden') ?? [];
  if (golden.length === 0 || args.positional.length > 0) throw new UsageError(REPLAY_USAGE);
  const last = (name: string) => args.options.get(name)?.at(-1);
  const mode = last('mode') ?? 'in-place';
  if (mode !== 'in-place' && mode !== 'pure') throw new UsageError(`--mode must be in-place or pure, got ${mode}`);
  const backend = last('backend') ?? 'core';
  if (!isBackendName(backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}; got ${backend}`);
  }
  const layout = last('layout') ?? 'first';
  if (!isAxisLayout(layout)) throw new UsageError(`--layout must be one of ${AXIS_LAYOUTS.join(', ')}; got ${layout}`);
  const threadsText = last('threads') ?? '1';
  const threads = Number(threadsText);
  if (!/^\d+$/.test(threadsText) || threads < 1) {
    throw new UsageError(`--threads must be an integer ≥ 1, got ${threadsText}`);
  }
  const tfBackend = last('tf-backend') ?? 'cpu';
  if (tfBackend !== 'cpu' && tfBackend !== 'wasm') {
    throw new UsageError(`--tf-backend must be cpu or wasm, got ${tfBackend}`);
  }
  const float32Backend = last('float32-backend') ?? 'auto';
  if (float32Backend !== 'auto' && float32Backend !== 'core' && float32Backend !== 'fast') {
    throw new UsageError(`--float32-backend must be auto, core or fast, got ${float32Backend}`);
  }
  const appliesTo = {
    mode: backend === 'core',
    threads: backend === 'fast',
    'tf-backend': backend.startsWith('tfjs'),
    'float32-backend': backend === 'float32' || backend === 'ort',
  };
  for (const [option, applies] of Object.entries(appliesTo)) {
    if (args.options.has(option) && !applies) {
      throw new UsageError(`--${option} does not apply to --backend ${backend}`);
    }
  }

  const settings = {
    golden,
    inputs: last('inputs'),
    backend,
    layout,
    mode,
    threads,
    tfBackend,
    float32Backend,
  } as const;
  const { summary, fallbacks } = await replayFiles(settings, out);
  if (fallbacks.length > 0) out(`${fallbacks.length} case runs used the backend's documented fallback (listed above)`);
  const { cases, passed, errorsChecked, errorsPassed } = summary;
  out(`${passed}/${cases} cases passed, ${errorsPassed}/${errorsChecked} error records passed`);
  if (cases === 0) {
    out('no case ran: the golden files hold no cases (or this backend replays none of their precisions)');
  }
  if (args.flags.has('json')) out(JSON.stringify(summary));
  return cases > 0 && passed === cases && errorsPassed === errorsChecked ? 0 : 1;
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
  if (!found)
    throw new UsageError(`cannot find ${name} for ${goldenPath} (looked in ${candidates.join(', ')}); pass --inputs`);
  return found;
}

function printReport(report: ReplayReport, out: (line: string) => void): void {
  out(`${report.family}/${report.optimizer}`);
  for (const c of report.cases) {
    const verdict = c.passed ? 'ok  ' : 'FAIL';
    const detail = c.failure ? `  (${c.failure})` : '';
    const fallback = c.fallback ? `  [fallback: ${c.fallback}]` : '';
    out(
      `  ${verdict} ${c.id} [${c.precision}] max rel err ${c.maxRelError.toExponential(2)} (tol ` +
        `${c.tolerance})${detail}${fallback}`,
    );
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
