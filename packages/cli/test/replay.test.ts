import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(here, '../../../fixtures/golden');

async function run(argv: string[]): Promise<{ code: number; lines: string[]; errors: string[] }> {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await main(
    argv,
    (l) => lines.push(l),
    (l) => errors.push(l),
  );
  return { code, lines, errors };
}

/** A golden directory holding inputs.json and one golden file with `edit` applied. */
function goldenWith(edit: (golden: Record<string, unknown>) => unknown, file = 'first_release/SGD_GC.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcopt-replay-'));
  copyFileSync(join(GOLDEN, 'inputs.json'), join(dir, 'inputs.json'));
  const golden = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8'));
  writeFileSync(join(dir, 'golden.json'), JSON.stringify(edit(golden)));
  return join(dir, 'golden.json');
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
    const out = execFileSync(
      process.execPath,
      [join(here, '../bin/gcopt.js'), 'replay', '--golden', join(GOLDEN, 'advanced/SGD.json'), '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ cases: 7, passed: 7 });
  });

  it('replays through another backend in another layout, with the same JSON summary last', async () => {
    const file = join(GOLDEN, 'first_release/Adam_GCC2.json');
    const argv = ['replay', '--golden', file, '--backend', 'float32', '--layout', 'last', '--json'];
    const { code, lines } = await run(argv);
    expect(code).toBe(0);
    expect(lines[0]).toBe('backend float32 (backend auto), layout last (float32)');
    const keys = ['cases', 'passed', 'failed', 'errorsChecked', 'errorsPassed'];
    expect(Object.keys(JSON.parse(lines.at(-1)!))).toEqual(keys);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ cases: 5, passed: 5, failed: [] });
  });

  it('says which cases ran on a backend fallback', async () => {
    const file = join(GOLDEN, 'advanced/RAdam.json');
    const { code, lines } = await run(['replay', '--golden', file, '--backend', 'fast-js', '--layout', 'middle']);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.includes('[fallback:')).length).toBe(5 * 3); // float64, float64_nocast, float32
    expect(lines).toContain("15 case runs used the backend's documented fallback (listed above)");
  });

  it("@gcopt/float32's default says which cases it ran on the core; its 'core' backend has no fallback", async () => {
    const file = join(GOLDEN, 'advanced/RAdam.json');
    const auto = await run(['replay', '--golden', file, '--backend', 'float32']);
    expect(auto.code).toBe(0);
    expect(auto.lines.filter((l) => /\[fallback: @gcopt\/float32: RAdam runs on the core/.test(l))).toHaveLength(5);
    const core = await run(['replay', '--golden', file, '--backend', 'float32', '--float32-backend', 'core']);
    expect(core.code).toBe(0);
    expect(core.lines[0]).toBe('backend float32 (backend core), layout first (float32)');
    expect(core.lines.filter((l) => l.includes('[fallback:'))).toEqual([]);
  });

  it('refuses unknown backends, layouts and options that do not apply, with exit code 2', async () => {
    for (const argv of [
      ['--backend', 'cuda'],
      ['--layout', 'sideways'],
      ['--backend', 'fast', '--threads', '0'],
      ['--backend', 'core', '--threads', '2'],
      ['--backend', 'tfjs-host', '--tf-backend', 'webgl'],
      ['--backend', 'ort', '--mode', 'pure'],
      ['--backend', 'float32', '--float32-backend', 'gpu'],
      ['--backend', 'core', '--float32-backend', 'core'],
    ]) {
      const { code, errors } = await run(['replay', '--golden', GOLDEN, ...argv]);
      expect(code, argv.join(' ')).toBe(2);
      expect(errors).toHaveLength(1);
    }
  });

  it('exits 3 with one line saying why when the backend cannot run here', () => {
    for (const backend of ['gpu-webgpu', 'gpu-wgsl']) {
      const argv = ['replay', '--backend', backend, '--golden', join(GOLDEN, 'advanced/SGD.json')];
      const result = spawnSync(process.execPath, [join(here, '../bin/gcopt.js'), ...argv], {
        encoding: 'utf8',
        env: { ...process.env, VK_ICD_FILENAMES: join(tmpdir(), 'no-such-icd.json') },
      });
      expect(result.status, backend).toBe(3);
      const ours = result.stderr.split('\n').filter((l) => l.startsWith('gcopt'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(new RegExp(`^gcopt replay: backend not available here: ${backend}: .*adapter`));
      expect(result.stdout).toBe('');
    }
  });

  it('answers a file that is not gc-golden/1 with one line naming the field, exit code 2', async () => {
    const cases: [(g: Record<string, unknown>) => unknown, RegExp][] = [
      [() => null, /\(top level\): expected an object, got null/],
      [({ params: _params, ...rest }) => rest, /params: expected an array, got undefined/],
      [(g) => ({ ...g, cases: [null] }), /cases\[0\]: expected an object, got null/],
      [(g) => ({ ...g, schema: 'gc-golden/2' }), /schema: expected "gc-golden\/1", got "gc-golden\/2"/],
      [
        (g) => ({ ...g, cases: [{ ...(g.cases as object[])[0], steps: 9 }] }),
        /cases\[0\]\.float64\.params: expected 9 entries, got 5/,
      ],
      [
        (g) => ({ ...g, params: [{ name: 'w', shape: [2, 0] }] }),
        /params\[0\]\.shape\[1\]: expected an integer ≥ 1, got 0/,
      ],
    ];
    for (const [edit, message] of cases) {
      const { code, errors } = await run(['replay', '--golden', goldenWith(edit)]);
      expect(code).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/is not a gc-golden\/1 golden file: /);
      expect(errors[0]).toMatch(message);
    }
  });

  it('checks the inputs file too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-replay-'));
    const inputs = JSON.parse(readFileSync(join(GOLDEN, 'inputs.json'), 'utf8'));
    inputs.float32.grads[3][2] = null;
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(inputs));
    const argv = ['replay', '--golden', join(GOLDEN, 'advanced/SGD.json'), '--inputs', join(dir, 'inputs.json')];
    const { code, errors } = await run(argv);
    expect(code).toBe(2);
    const line = /is not a gc-golden\/1 inputs file: float32\.grads\[3\]\[2\]: expected an array, got null$/;
    expect(errors).toEqual([expect.stringMatching(line)]);
  });

  it('exits 1 when no case ran', async () => {
    const empty = goldenWith((g) => ({ ...g, cases: [], errors: [], accepted: [] }));
    const { code, lines } = await run(['replay', '--golden', empty, '--json']);
    expect(code).toBe(1);
    expect(lines).toContain(
      'no case ran: the golden files hold no cases (or this backend replays none of their precisions)',
    );
    expect(JSON.parse(lines.at(-1)!)).toEqual({ cases: 0, passed: 0, failed: [], errorsChecked: 0, errorsPassed: 0 });
  });
});
