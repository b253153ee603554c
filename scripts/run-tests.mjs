#!/usr/bin/env node
// Runs every workspace package's `test` script (one package at a time, as `pnpm -r run test` does),
// streams their output, and ends with one plain line "N passed, M failed" totalled over all the
// test runners' own summaries, so a CI log has a single verdict. The exit code is pnpm's.
import { spawn } from 'node:child_process';

// pnpm sets npm_execpath to itself: a JavaScript file in older releases, a native binary in pnpm 12
const pnpm = process.env.npm_execpath || 'pnpm';
const runArgs = ['-r', '--workspace-concurrency=1', '--no-bail', 'run', 'test'];
const [cmd, args] = /\.[cm]?js$/.test(pnpm) ? [process.execPath, [pnpm, ...runArgs]] : [pnpm, runArgs];
const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });

const totals = { passed: 0, failed: 0, skipped: 0 };
// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal's colour escapes
const ansi = /\u001b\[[0-9;]*m/g;
let pending = '';
function scan(text) {
  pending += text;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const raw of lines) {
    const line = raw.replace(ansi, '');
    // vitest: "      Tests  12 passed | 1 failed | 2 skipped (15)"
    const vitest = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (vitest) {
      for (const [, n, what] of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        if (what === 'todo') totals.skipped += Number(n);
        else totals[what] += Number(n);
      }
    }
    // node:test: "# pass 3" / "# fail 0" / "# skipped 1"
    const nodeTest = /^# (pass|fail|skipped) (\d+)$/.exec(line);
    if (nodeTest) totals[{ pass: 'passed', fail: 'failed', skipped: 'skipped' }[nodeTest[1]]] += Number(nodeTest[2]);
  }
}
child.stdout.on('data', (d) => (process.stdout.write(d), scan(d.toString())));
child.stderr.on('data', (d) => (process.stderr.write(d), scan(d.toString())));
child.on('close', (code) => {
  scan('\n');
  console.log(
    `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
  );
  process.exit(code ?? 1);
});
