#!/usr/bin/env node
// Fails on any source line longer than 120 characters. The formatter wraps code at 120 but leaves comments
// and long strings alone; this catches those. Generated files (the WebAssembly kernels and their base64)
// and recorded data are not source.
//
//   node scripts/check-line-length.mjs [--max 120]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const maxArg = process.argv.indexOf('--max');
const MAX = maxArg > 0 ? Number(process.argv[maxArg + 1]) : 120;

const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx|py|sh)$/;
const GENERATED = [/^fixtures\//, /\/kernelsBinary\.ts$/, /\.wat$/, /(^|\/)dist\//];

const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
  .toString('utf8')
  .split('\0')
  .filter(
    (f) =>
      SOURCE.test(f) &&
      !GENERATED.some((re) => re.test(f)) &&
      statSync(resolve(root, f), { throwIfNoEntry: false })?.isFile(),
  );

const long = [];
for (const file of files) {
  readFileSync(resolve(root, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      // count characters as a reader sees them (code points), not UTF-16 units
      const length = [...line].length;
      if (length > MAX) long.push(`${file}:${i + 1}: ${length} characters`);
    });
}
if (long.length) {
  console.error(long.join('\n'));
  console.error(`\n${long.length} line(s) over ${MAX} characters in ${files.length} source files`);
  process.exit(1);
}
console.log(`line length: ${files.length} source files, no line over ${MAX} characters`);
