import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '../../..');
/** Every package a user can install. */
const PUBLIC = [
  'packages/core',
  'packages/float32',
  'packages/onnxruntime',
  'packages/tfjs',
  'packages/cli',
  'property-tests',
];

/** pnpm as the test command runs it (npm_execpath), else the pinned one through npx. */
function pnpm(args: string[], cwd: string): string {
  const exec = process.env.npm_execpath;
  const [cmd, pre] =
    exec && /pnpm/.test(exec)
      ? /\.[cm]?js$/.test(exec)
        ? [process.execPath, [exec]]
        : [exec, []]
      : ['npx', ['--yes', 'pnpm@12.4.2']];
  const r = spawnSync(cmd, [...pre, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0)
    throw new Error(`pnpm ${args.join(' ')} in ${cwd} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gcopt-from-tarballs-'));
  const tarballs = path.join(scratch, 'tarballs');
  mkdirSync(tarballs);
  for (const dir of PUBLIC) pnpm(['pack', '--pack-destination', tarballs], path.join(root, dir));
  const files = readdirSync(tarballs);
  const byName: Record<string, string> = {};
  for (const dir of PUBLIC) {
    const name = (JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { name: string }).name;
    const file = files.find((f) => f.startsWith(name.replace('@', '').replace('/', '-') + '-'));
    if (!file) throw new Error(`pnpm pack made no tarball for ${name} (got ${files.join(', ')})`);
    byName[name] = `file:./tarballs/${file}`;
  }
  writeFileSync(
    path.join(scratch, 'package.json'),
    JSON.stringify(
      {
        name: 'gcopt-user',
        private: true,
        type: 'module',
        dependencies: {
          ...byName,
          '@tensorflow/tfjs': '^4.22.0',
          'onnxruntime-node': '^1.30.0',
          'onnxruntime-web': '^1.30.0',
          ndarray: '^1.0.19',
        },
        devDependencies: { typescript: '~5.9.3', esbuild: '^0.28.2', '@types/node': '^20.19.0' },
      },
      null,
      2,
    ),
  );
  // the packed @gcopt/* depend on each other by version: point those at the tarballs too, not the registry
  const overrides = Object.entries(byName)
    .map(([n, spec]) => `  '${n}': '${spec}'`)
    .join('\n');
  writeFileSync(
    path.join(scratch, 'pnpm-workspace.yaml'),
    `overrides:\n${overrides}\nallowBuilds:\n  esbuild: true\n` +
      '  onnxruntime-node: false\n  protobufjs: false\n  core-js: false\n  gl: false\n  webgpu: false\n',
  );
  for (const f of ['globals.d.ts', 'tsconfig.json', 'nodeImports.mjs', 'browserEntry.js'])
    copyFileSync(path.join(here, '../fixture', f), path.join(scratch, f));
  pnpm(['install', '--prefer-offline'], scratch);
}, 600_000);

afterAll(() => {
  if (scratch && !process.env.GCOPT_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
});

describe('gcopt installed from its packed tarballs, outside the workspace', () => {
  it('imports every entry point in Node ESM and steps', () => {
    const out = execFileSync(process.execPath, ['nodeImports.mjs'], { cwd: scratch, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    // SGD_GC, lr 0.1, on [[1,2,3],[4,5,6]] with gradient rows [1,0,0] and [0,0,1]: centred rows ±(2/3, -1/3, -1/3)
    const expected = [1 - 0.2 / 3, 2 + 0.1 / 3, 3 + 0.1 / 3, 4 + 0.1 / 3, 5 + 0.1 / 3, 6 - 0.2 / 3];
    (r.sgdGc as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(r).toMatchObject({
      fastBackend: 'wasm-simd',
      gpu: 'function',
      onnx: 'function',
      tfjs: 'function',
      properties: 'function',
    });
  });

  it('type-checks every TypeScript sample of the README under strict', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(samples.length).toBeGreaterThanOrEqual(6);
    mkdirSync(path.join(scratch, 'samples'), { recursive: true });
    samples.forEach((code, i) =>
      writeFileSync(path.join(scratch, 'samples', `sample${i + 1}.ts`), `${code}\nexport {};\n`),
    );
    const r = spawnSync(
      process.execPath,
      [path.join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: scratch, encoding: 'utf8' },
    );
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('bundles for the browser with esbuild from the installed packages', () => {
    const script = `
      const esbuild = require('esbuild');
      esbuild.build({ entryPoints: ['browserEntry.js'], bundle: true, format: 'esm', platform: 'browser',
        outfile: 'out/page.js',
        external: ['@tensorflow/*', 'onnxruntime-web', 'onnxruntime-node', 'gpu.js', 'webgpu'],
        logLevel: 'error', metafile: true })
        .then((r) => console.log(Object.keys(r.metafile.inputs).filter((f) => f.includes('@gcopt')).length));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8' });
    expect(Number(out.trim())).toBeGreaterThan(20); // modules of the installed @gcopt packages, not workspace sources
    const bundle = readFileSync(path.join(scratch, 'out/page.js'), 'utf8');
    expect(bundle).not.toMatch(/from\s*["']node:/);
  }, 120_000);
});
