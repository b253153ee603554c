#!/usr/bin/env node
// The public API of every published entry point, as API Extractor reports it, committed under each package
// (`etc/<entry>.api.md`), so that a change of public API shows in review.
//
//   node scripts/api-report.mjs           rewrite the reports from the built declarations (tsc -b first)
//   node scripts/api-report.mjs --check   change nothing; exit 1 when a report differs from the built API
//
// One process for every entry point (API Extractor's own CLI would start once per entry).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every published entry point: its package folder, its built declarations, and the report's name. */
export const ENTRY_POINTS = [
  { pkg: 'packages/core', entry: 'dist/index.d.ts', report: 'core' },
  { pkg: 'packages/core', entry: 'dist/fast/index.d.ts', report: 'core-fast' },
  { pkg: 'packages/core', entry: 'dist/gpu/index.d.ts', report: 'core-gpu' },
  { pkg: 'packages/float32', entry: 'dist/index.d.ts', report: 'float32' },
  { pkg: 'packages/tfjs', entry: 'dist/index.d.ts', report: 'tfjs' },
  { pkg: 'packages/onnxruntime', entry: 'dist/index.d.ts', report: 'onnxruntime' },
  { pkg: 'property-tests', entry: 'dist/index.d.ts', report: 'property-tests' },
];

const check = process.argv.includes('--check');
const temp = mkdtempSync(join(tmpdir(), 'gcopt-api-'));
const failures = [];
let compilerState; // one TypeScript program for every entry point: the slow part, done once
try {
  for (const { pkg, entry, report } of ENTRY_POINTS) {
    const projectFolder = join(root, pkg);
    const entryPath = join(projectFolder, entry);
    if (!existsSync(entryPath)) throw new Error(`${pkg}/${entry} is missing: build first (tsc -b)`);
    if (!check) mkdirSync(join(projectFolder, 'etc'), { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder,
        mainEntryPointFilePath: entryPath,
        bundledPackages: [],
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2022',
              lib: ['ES2022', 'DOM'],
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              types: ['node'],
              skipLibCheck: true,
              strict: true,
            },
            files: [entryPath],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: report,
          reportFolder: join(projectFolder, 'etc'),
          reportTempFolder: join(temp, report),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // The packages mark no release stages (@public/@beta): everything exported is public.
          extractorMessageReporting: {
            default: { logLevel: 'warning', addToApiReportFile: true },
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            // undocumented members are listed with line numbers, so any edit above one would change the
            // report; the doc-comment coverage is TypeDoc's business (pnpm docs:api)
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
            // a type reachable from the API but not exported by name: named in the signatures that use it;
            // not listed on its own (that note carries a line number, which every edit above it would move)
            'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false },
          },
          // doc-comment syntax is TypeDoc's business (pnpm docs:api), not this report's
          tsdocMessageReporting: { default: { logLevel: 'none' } },
          compilerMessageReporting: { default: { logLevel: 'warning' } },
        },
      },
      configObjectFullPath: join(projectFolder, 'api-extractor.json'),
      packageJsonFullPath: join(projectFolder, 'package.json'),
    });
    compilerState ??= CompilerState.create(config, {
      additionalEntryPoints: ENTRY_POINTS.map((e) => join(root, e.pkg, e.entry)),
    });
    const result = Extractor.invoke(config, {
      compilerState,
      localBuild: !check,
      printApiReportDiff: check,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // API Extractor's own "copy the report" advice names a temp file: this script says it once, its way
        const quiet = [
          'console-preamble',
          'console-compiler-version-notice',
          'console-api-report-not-copied',
          'console-api-report-copied',
          'console-api-report-created',
        ];
        if (quiet.includes(message.messageId)) message.logLevel = 'none';
      },
    });
    const changed = result.apiReportChanged;
    if (check && changed) failures.push(`${pkg}/etc/${report}.api.md`);
    if (!result.succeeded && !(check && changed)) failures.push(`${pkg} (${entry}): API Extractor failed`);
    console.log(
      `${report.padEnd(15)} ${changed ? (check ? 'DIFFERS from the committed report' : 'updated') : 'unchanged'}`,
    );
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (failures.length) {
  console.error(
    `\nThe public API differs from the committed report(s), or a report failed:\n  ${failures.join('\n  ')}`,
  );
  console.error('If the change is intended: pnpm api:update, then commit the etc/*.api.md files.');
  process.exit(1);
}
