import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(here, '../../../fixtures/golden');

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe('gcopt replay', () => {
  it('passes every case and error record of the 23 shared golden files, with a JSON summary last', async () => {
    const { code, lines } = await run(['replay', '--golden', GOLDEN, '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.cases).toBeGreaterThanOrEqual(121);
    expect(summary.passed).toBe(summary.cases);
    expect(summary.failed).toEqual([]);
    expect(summary.errorsChecked).toBeGreaterThan(100);
    expect(summary.errorsPassed).toBe(summary.errorsChecked);
  });

  it('fails, names the case and exits 1 when a recorded value is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-replay-'));
    mkdirSync(join(dir, 'first_release'));
    copyFileSync(join(GOLDEN, 'inputs.json'), join(dir, 'inputs.json'));
    const golden = JSON.parse(readFileSync(join(GOLDEN, 'first_release/SGD_GC.json'), 'utf8'));
    golden.cases[1].float32.params[2][0][3] += 1e-3; // one float32 value of step 3, conv4d
    writeFileSync(join(dir, 'first_release/SGD_GC.json'), JSON.stringify(golden));
    const { code, lines } = await run(['replay', '--golden', join(dir, 'first_release/SGD_GC.json'), '--json']);
    expect(code).toBe(1);
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.failed).toEqual([`first_release/SGD_GC:${golden.cases[1].id}`]);
    expect(lines.some((l) => l.includes('FAIL') && l.includes('[float32]'))).toBe(true);
  });

  it('fails an error record when gcopt would accept what the reference rejects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-replay-'));
    copyFileSync(join(GOLDEN, 'inputs.json'), join(dir, 'inputs.json'));
    const golden = JSON.parse(readFileSync(join(GOLDEN, 'first_release/Adam_GC.json'), 'utf8'));
    golden.errors = [{ kwargs: { lr: 0.01 }, error: 'ValueError', message: 'Invalid learning rate: 0.01' }];
    writeFileSync(join(dir, 'Adam_GC.json'), JSON.stringify(golden));
    const { code, lines } = await run(['replay', '--golden', join(dir, 'Adam_GC.json'), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(lines.at(-1)!).errorsPassed).toBe(JSON.parse(lines.at(-1)!).errorsChecked - 1);
  });

  it('replays with the pure step too', async () => {
    const { code } = await run(['replay', '--golden', join(GOLDEN, 'advanced/Ranger.json'), '--mode', 'pure']);
    expect(code).toBe(0);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await run(['replay'])).code).toBe(2);
    expect((await run(['replay', '--golden', GOLDEN, '--mode', 'sideways'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('runs as the installed `gcopt` binary', () => {
    const out = execFileSync(process.execPath, [join(here, '../bin/gcopt.js'), 'replay', '--golden', join(GOLDEN, 'advanced/SGD.json'), '--json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ cases: 7, passed: 7 });
  });
});
