import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, type BenchData } from './data.js';
import type { RunResult } from './gcoptRunners.js';
import type { BenchOptimizer } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import type { Schedule } from './timing.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, '../python/gc_reference_torch.py');
const SETUP = join(HERE, '../scripts/setup-torch.sh');
export const PYTHON = process.env.GCOPT_BENCH_PYTHON ?? '/usr/bin/python3';

/** PyTorch's version for PYTHON, or null with the reason. */
export function torchAvailable(): { version: string } | { missing: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return { version: r.stdout.trim() };
  return { missing: (r.stderr || r.error?.message || 'python not found').trim().split('\n').pop() ?? 'unknown' };
}

/** The setup step: installs Debian's python3-torch when missing (root + apt). Returns its output. */
export function setupTorch(): { ok: boolean; log: string } {
  const r = spawnSync('sh', [SETUP], { encoding: 'utf8', env: { ...process.env, GCOPT_BENCH_PYTHON: PYTHON } });
  return { ok: r.status === 0, log: `${r.stdout}${r.stderr}`.trim() };
}

/**
 * Runs the PyTorch baselines for one parameter set in one python process: the per-tensor GC
 * optimizers written from docs/ALGORITHMS.md (name `<Class>`) and torch.optim.Adam (for the `Adam` no-GC line), and
 * for optimizers with `torchForeach` also torch.optim.Adam(foreach=True) with GC in torch._foreach_*
 * ops (key `<Class> foreach`).
 */
export function runTorch(
  set: ParamSet,
  optimizers: readonly BenchOptimizer[],
  data: BenchData,
  schedule: Schedule,
  threads: number,
): { version: string; threads: number; results: Map<string, RunResult & { torchName: string }> } {
  const dir = mkdtempSync(join(tmpdir(), 'gcopt-bench-torch-'));
  try {
    const initFile = join(dir, 'init.f32');
    const gradFile = join(dir, 'grads.f32');
    writeFileSync(initFile, concat(data.init));
    writeFileSync(gradFile, concat(data.grads));
    const entries = optimizers
      .flatMap((o) => {
        const name = o.name === 'Adam' ? 'torch.optim.Adam' : o.name;
        const plain = { key: o.name, name, kwargs: o.kwargs };
        return o.torchForeach
          ? [plain, { key: `${o.name} foreach`, name: `${name} foreach`, kwargs: o.kwargs }]
          : [plain];
      })
      .map((e, i) => ({ ...e, out: join(dir, `out-${i}.f32`) }));
    const job = {
      shapes: set.shapes,
      threads,
      warmup: schedule.warmup,
      reps: schedule.reps,
      init: initFile,
      grads: gradFile,
      optimizers: entries.map(({ name, kwargs, out }) => ({ name, kwargs, out })),
    };
    const stdout = execFileSync(PYTHON, [SCRIPT, JSON.stringify(job)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const parsed = JSON.parse(stdout.trim().split('\n').pop()!) as {
      torch: string;
      threads: number;
      results: Record<string, number[]>;
    };
    const results = new Map<string, RunResult & { torchName: string }>();
    for (const e of entries) {
      const bytes = readFileSync(e.out);
      const flat = new Float32Array(bytes.length / 4);
      new Uint8Array(flat.buffer).set(bytes);
      const final: Float32Array[] = [];
      let at = 0;
      for (const shape of set.shapes) {
        const n = shape.reduce((a, b) => a * b, 1);
        final.push(flat.subarray(at, at + n));
        at += n;
      }
      results.set(e.key, { samples: parsed.results[e.name], final, torchName: e.name });
    }
    return { version: parsed.torch, threads: parsed.threads, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
