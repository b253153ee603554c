/** The README's node:test example runs green under `node --test`, importing the built package by name. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('examples/node-test-example.mjs passes under node --test', () => {
  expect(existsSync(`${root}/dist/index.js`), 'build the package first (tsc -b; the test script does)').toBe(true);
  const out = execFileSync(process.execPath, ['--test', 'examples/node-test-example.mjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(out).toMatch(/# pass 2/);
  expect(out).toMatch(/# fail 0/);
}, 120_000);
