#!/usr/bin/env node
// Citations must lead somewhere a reader of a clone can follow. This script rewrites the old citations of
// the reference specification, which lived outside the repository (the spec's name, optionally with ".md",
// then a section sign and number; or its path in the workplace's shared folder), into citations of
// docs/ALGORITHMS.md, which keeps the same section numbers; and it checks that no tracked file points
// at a path outside the repository.
//
//   node scripts/cite-algorithms.mjs           rewrite every tracked text file in place, list what changed
//   node scripts/cite-algorithms.mjs --check   change nothing; exit 1 listing every citation still outside
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 'docs/ALGORITHMS.md';

// Recorded data and lockfiles are not prose; the target itself names the reference's own files.
const SKIPPED = [
  /^fixtures\//,
  /^scripts\/cite-algorithms\.mjs$/,
  /(^|\/)pnpm-lock\.yaml$/,
  /^docs\/ALGORITHMS\.md$/,
  /\.(png|jpe?g|gif|wasm|onnx|bin)$/,
];

/** Rewrites, applied in order: longest forms first, so that a path is not half-rewritten by a shorter rule. */
export const REWRITES = [
  // any path to the specification, absolute or relative, with or without a section
  [/(?:\/work\/|(?:\.\.\/)+)?shared\/reference\/SPEC\.md(?:'s)?(\s*§)?/g, (_, s) => (s ? `${TARGET} §` : TARGET)],
  [/(?:\/work\/|(?:\.\.\/)+)?shared\/reference\/golden\b/g, 'fixtures/golden'],
  // the spec's name (optionally ".md") and a section sign: §5, §5.8, §2–§3, §2.3/§2.4
  [/\bSPEC(?:\.md)?\s*§/g, `${TARGET} §`],
  // "SPEC 2.1" (no section sign), as in Python docstrings
  [/\bSPEC(?:\.md)?\s+(\d+(?:\.\d+)?)\b/g, (_, n) => `${TARGET} §${n}`],
  // "the SPEC-written GC optimizers" → "the GC optimizers written from docs/ALGORITHMS.md" needs a human;
  // "the SPEC-written" alone becomes "the docs/ALGORITHMS.md-written"
  [/\bSPEC-written\b/g, `${TARGET}-written`],
  // "written from SPEC.md", "(SPEC.md)"
  [/\bSPEC\.md\b/g, TARGET],
];

/** What still points outside the repository after the rewrite (reported by --check). */
const OUTSIDE = [
  [/\bSPEC(?:\.md)?\b(?!_)/, 'cites SPEC, which is not in the repository: cite docs/ALGORITHMS.md §X.Y'],
  [/\/work\/[\w.-]+/, 'an absolute path of the development machine'],
  [
    /(?<![\w/])(?:\.\.\/)*shared\/(?:reference|gpu|bench|hooks)\b/,
    "the workplace's shared/ folder is not in the repository",
  ],
];

function trackedFiles() {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  return out
    .toString('utf8')
    .split('\0')
    .filter(
      (f) => f && !SKIPPED.some((re) => re.test(f)) && statSync(resolve(root, f), { throwIfNoEntry: false })?.isFile(),
    );
}

function readText(file) {
  const buf = readFileSync(resolve(root, file));
  return buf.includes(0) ? undefined : buf.toString('utf8');
}

/** Relative paths (`../x/y`) in a file that climb above the repository root. */
function escapingPaths(file, text) {
  const found = [];
  for (const m of text.matchAll(/(?<![\w./-])((?:\.\.\/)+)[\w@.-][\w@./-]*/g)) {
    const target = resolve(root, dirname(file), m[0]);
    const rel = relative(root, target);
    if (rel === '..' || rel.startsWith(`..${sep}`)) found.push(m[0]);
  }
  return found;
}

export function rewrite(text) {
  let out = text;
  for (const [re, to] of REWRITES) out = out.replace(re, to);
  return out;
}

function main() {
  const check = process.argv.includes('--check');
  const problems = [];
  let changed = 0;
  for (const file of trackedFiles()) {
    const text = readText(file);
    if (text === undefined) continue;
    if (!check) {
      const next = rewrite(text);
      if (next !== text) {
        writeFileSync(resolve(root, file), next);
        changed++;
        console.log(`rewrote ${file}`);
      }
      continue;
    }
    text.split('\n').forEach((line, i) => {
      for (const [re, why] of OUTSIDE) if (re.test(line)) problems.push(`${file}:${i + 1}: ${why}\n    ${line.trim()}`);
      for (const p of escapingPaths(file, line)) {
        problems.push(`${file}:${i + 1}: '${p}' leads outside the repository\n    ${line.trim()}`);
      }
    });
  }
  if (!check) {
    console.log(`${changed} file(s) rewritten; citations now point at ${TARGET}`);
    return;
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    console.error(
      `\n${problems.length} citation(s) outside the repository ` +
        '(node scripts/cite-algorithms.mjs rewrites the SPEC ones)',
    );
    process.exit(1);
  }
  console.log('citations: every cited path is inside the repository');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
