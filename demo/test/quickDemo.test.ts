import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPTIMIZERS, type OptimizerSummary, type RunResult } from '../src/index.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const backends = (process.env.GCOPT_DEMO_TEST_BACKENDS ?? 'ort').split(',');

interface ResultsJson {
  schema: string;
  backend: { name: string };
  summaries: OptimizerSummary[];
  runs: RunResult[];
}

// The real command (`pnpm demo --quick`) in a child process without a terminal, as CI runs it; on the
// default backend unless GCOPT_DEMO_TEST_BACKENDS lists others (e.g. ort,tfjs,js).
describe.each(backends)('pnpm demo --quick --backend %s', (backend) => {
  let out: string;
  let stdout: string;
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (tsc -b)`);
    out = await mkdtemp(path.join(os.tmpdir(), 'gcopt-demo-'));
    ({ stdout } = await promisify(execFile)(process.execPath, [cli, '--quick', '--backend', backend, '--out', out], {
      maxBuffer: 16 * 2 ** 20,
    }));
  }, 300_000);
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('reports progress as plain lines when stdout is not a terminal', () => {
    expect(stdout).not.toContain('\u001b[');
    for (const o of DEMO_OPTIMIZERS)
      expect(stdout).toMatch(new RegExp(`^${o.label} · seed 1: epoch 2/2  train loss \\d`, 'm'));
  });

  it('prints the table with every optimizer and writes results.md with it', async () => {
    const md = await readFile(path.join(out, 'results.md'), 'utf8');
    for (const o of DEMO_OPTIMIZERS) {
      expect(stdout).toMatch(new RegExp(`^\\| ${o.label} \\| \\d+\\.\\d\\d \\|`, 'm'));
      expect(md).toMatch(new RegExp(`^\\| ${o.label} \\| \\d+\\.\\d\\d \\|`, 'm'));
    }
    expect(md).toContain(`- backend: ${backend}`);
  });

  it.runIf(backend === 'ort' || backend === 'js')(
    "says what stepped the optimizers: @gcopt/float32's default, the fast path",
    async () => {
      const line = `optimizer steps: ${DEMO_OPTIMIZERS.map((o) => o.label).join(', ')}: @gcopt/float32 backend fast (`;
      expect(stdout.split('\n').filter((l) => l.startsWith('optimizer steps: '))).toEqual([
        expect.stringContaining(line),
      ]);
      expect(await readFile(path.join(out, 'results.md'), 'utf8')).toContain(`- ${line}`);
      const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as ResultsJson;
      for (const r of results.runs) expect(r.optimizerBackend).toMatch(/^@gcopt\/float32 backend fast \(/);
    },
  );

  it('writes the plot as SVG and PNG', async () => {
    const svg = await readFile(path.join(out, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<path /g)).toHaveLength(2 * DEMO_OPTIMIZERS.length);
    const png = await readFile(path.join(out, 'curves.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1500); // IHDR width
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('the loss fell for every optimizer, from identical starting weights', async () => {
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as ResultsJson;
    expect(results.schema).toBe('gcopt-demo/2');
    expect(results.backend.name).toBe(backend);
    expect(results.runs.map((r) => r.optimizer)).toEqual(DEMO_OPTIMIZERS.map((o) => o.label));
    for (const r of results.runs) {
      const firstWindow = r.curve[0].loss;
      const last = r.epochs[r.epochs.length - 1];
      expect(last.trainLoss, `${r.optimizer}: training loss`).toBeLessThan(0.85 * firstWindow);
      expect(last.testLoss, `${r.optimizer}: test loss`).toBeLessThan(0.85 * r.initial.loss);
      expect(r.initial).toEqual(results.runs[0].initial);
    }
  });
});
