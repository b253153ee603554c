// The conformance matrix: every golden file through every backend in every axis layout, each cell
// through the same code as `gcopt replay --backend B --layout L`; prints backend × layout → cases passed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AXIS_LAYOUTS, type AxisLayout } from '@gcopt/core';
import { BackendUnavailableError, replayFiles } from '../../src/index.js';
import type { BackendName, BackendOptions, ReplayOutcome } from '../../src/index.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/golden');
/** Every case of the 23 shared files, and their error/accepted records. */
const CASES = 121;
const ERROR_RECORDS = 131;
/** Recipes the fused backends document as not fused (run on their documented fallback). */
const NOT_FUSED = new Set(['advanced/RAdam', 'advanced/PlainRAdam', 'advanced/Ranger', 'advanced/Lookahead']);

interface Row {
  readonly label: string;
  readonly backend: BackendName;
  readonly options?: BackendOptions;
  /** Precisions replayed (the backend's compute precision). */
  readonly precisions: string;
  /** May run unfused recipes on its documented fallback. */
  readonly mayFallBack?: boolean;
}

const ROWS: Row[] = [
  { label: 'core, in-place', backend: 'core', options: { mode: 'in-place' }, precisions: 'f64 + f32' },
  { label: 'core, pure', backend: 'core', options: { mode: 'pure' }, precisions: 'f64 + f32' },
  // @gcopt/float32's default runs the fast path where it fuses the recipe; 'core' is the core bit for bit
  { label: '@gcopt/float32 (default)', backend: 'float32', precisions: 'f32', mayFallBack: true },
  {
    label: "@gcopt/float32, backend 'core'",
    backend: 'float32',
    options: { float32Backend: 'core' },
    precisions: 'f32',
  },
  { label: 'fast, wasm 1 thread', backend: 'fast', options: { threads: 1 }, precisions: 'f32', mayFallBack: true },
  { label: 'fast, wasm 2 threads', backend: 'fast', options: { threads: 2 }, precisions: 'f32', mayFallBack: true },
  { label: 'fast, js', backend: 'fast-js', precisions: 'f64 + f32', mayFallBack: true },
  { label: 'gpu.js cpu', backend: 'gpu-cpu', precisions: 'f32', mayFallBack: true },
  { label: 'gpu.js webasm', backend: 'gpu-webasm', precisions: 'f32', mayFallBack: true },
  { label: 'gpu.js webgpu (lavapipe)', backend: 'gpu-webgpu', precisions: 'f32', mayFallBack: true },
  { label: 'WGSL kernels (lavapipe)', backend: 'gpu-wgsl', precisions: 'f32', mayFallBack: true },
  // the host step backend's kernels: @gcopt/core/fast where it fuses the recipe, else the core
  {
    label: 'tfjs host, cpu',
    backend: 'tfjs-host',
    options: { tfBackend: 'cpu' },
    precisions: 'f32',
    mayFallBack: true,
  },
  {
    label: 'tfjs host, wasm',
    backend: 'tfjs-host',
    options: { tfBackend: 'wasm' },
    precisions: 'f32',
    mayFallBack: true,
  },
  { label: 'tfjs tensor, cpu', backend: 'tfjs-tensor', options: { tfBackend: 'cpu' }, precisions: 'f32' },
  { label: 'tfjs tensor, wasm', backend: 'tfjs-tensor', options: { tfBackend: 'wasm' }, precisions: 'f32' },
  { label: 'OrtTrainer (onnxruntime-node)', backend: 'ort', precisions: 'f32', mayFallBack: true },
];

const cells = new Map<string, string>();
const started = Date.now();

/** Only GCOPT_ALLOW_NO_WEBGPU=1 lets a missing WebGPU adapter be a visible "unavailable" cell instead of a failure. */
const mayBeUnavailable = (row: Row) =>
  (row.backend === 'gpu-webgpu' || row.backend === 'gpu-wgsl') && process.env.GCOPT_ALLOW_NO_WEBGPU === '1';

describe.sequential('conformance matrix: 23 golden files × backend × layout', () => {
  for (const row of ROWS) {
    for (const layout of AXIS_LAYOUTS) {
      it(`${row.label} × ${layout}`, { timeout: 900_000 }, async () => {
        let outcome: ReplayOutcome;
        try {
          outcome = await replayFiles({ golden: [GOLDEN], backend: row.backend, layout, ...row.options });
        } catch (e) {
          if (e instanceof BackendUnavailableError && mayBeUnavailable(row)) {
            cells.set(key(row, layout), `unavailable (${e.message})`);
            return;
          }
          cells.set(key(row, layout), `error: ${(e as Error).message}`);
          throw e;
        }
        const { summary, fallbacks } = outcome;
        const fellBack = new Set(fallbacks.map((f) => f.slice(0, f.indexOf(':'))));
        const via = fellBack.size ? ` (${fellBack.size} files via fallback)` : '';
        cells.set(key(row, layout), `${summary.passed}/${summary.cases}${via}`);
        expect(summary.failed).toEqual([]);
        expect(summary.cases).toBe(CASES);
        expect(summary.passed).toBe(CASES);
        expect(summary.errorsChecked).toBe(ERROR_RECORDS);
        expect(summary.errorsPassed).toBe(ERROR_RECORDS);
        // a fused backend may fall back only where it documents no fused form; the rest never
        if (row.mayFallBack) expect([...fellBack].filter((f) => !NOT_FUSED.has(f))).toEqual([]);
        else expect(fallbacks).toEqual([]);
      });
    }
  }

  afterAll(() => {
    const header = `| backend | precisions | ${AXIS_LAYOUTS.map(layoutTitle).join(' | ')} |`;
    const lines = [header, `|---|---|${AXIS_LAYOUTS.map(() => '---').join('|')}|`];
    for (const row of ROWS) {
      const results = AXIS_LAYOUTS.map((l) => cells.get(key(row, l)) ?? 'not run');
      lines.push(`| ${row.label} | ${row.precisions} | ${results.join(' | ')} |`);
    }
    lines.push(
      '',
      `cases passed of ${CASES} (all 23 optimizers; parameters after every step and the final state); ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    console.log(lines.join('\n'));
  });
});

function key(row: Row, layout: AxisLayout): string {
  return `${row.label}|${layout}`;
}

function layoutTitle(layout: AxisLayout): string {
  return { first: 'first `[out,in,k…]`', last: 'last `[k…,in,out]`', middle: 'middle `[k…,out,in]`' }[layout];
}
