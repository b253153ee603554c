#!/usr/bin/env node
// Builds the page into out/site: the page and the training Worker bundled by esbuild (workspace
// packages from their TypeScript sources, as the tests see them), onnxruntime-web's wasm files, the
// demo's MNIST split as one binary file, and the golden trajectories for the browser tests.
// Usage: node scripts/buildSite.mjs [--out DIR] [--no-minify]
import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { loadDigits } from '@gcopt/mnist-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, '..');
export const DEFAULT_OUT = path.join(pkg, 'out/site');

/** Node built-ins reached only by Node code paths (e.g. loadDigits' createRequire): a stub that throws if called. */
export const nodeBuiltinStub = {
  name: 'node-builtin-stub',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => key === '__esModule' ? false : () => {
        throw new Error(${JSON.stringify(args.path)} + '.' + String(key) + ' is not available in a browser'); } });`,
      loader: 'js',
    }));
  },
};

export function bundleOptions(entryPoints, outdir, minify = true) {
  return {
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // workspace packages from source; onnxruntime-web's build that loads its wasm from ort.env.wasm.wasmPaths
    conditions: ['source', 'onnxruntime-web-use-extern-wasm'],
    plugins: [nodeBuiltinStub],
    // gpu.js's loader keeps Dawn ('webgpu') behind a variable import, for Node only
    logOverride: { 'unsupported-dynamic-import': 'silent' },
  };
}

/** Builds the site into `out`; returns esbuild's metafile. */
export async function buildSite({ out = DEFAULT_OUT, minify = true } = {}) {
  const started = Date.now();
  await mkdir(path.join(out, 'ort'), { recursive: true });
  const result = await esbuild.build(
    bundleOptions(
      { main: path.join(pkg, 'src/page/main.ts'), worker: path.join(pkg, 'src/worker/worker.ts') },
      out,
      minify,
    ),
  );
  await copyFile(path.join(pkg, 'public/index.html'), path.join(out, 'index.html'));

  const require = createRequire(import.meta.url);
  const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  for (const f of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'])
    await copyFile(path.join(ortDist, f), path.join(out, 'ort', f));

  const { train, test } = loadDigits();
  const header = new Int32Array([train.count, test.count]);
  await writeFile(
    path.join(out, 'digits.bin'),
    Buffer.concat([
      Buffer.from(header.buffer),
      Buffer.from(train.images.buffer, train.images.byteOffset, train.images.byteLength),
      Buffer.from(test.images.buffer, test.images.byteOffset, test.images.byteLength),
      Buffer.from(train.labels),
      Buffer.from(test.labels),
    ]),
  );

  const golden = path.join(pkg, '../../fixtures/golden');
  await cp(golden, path.join(out, 'golden'), { recursive: true });
  const files = [];
  for (const family of ['first_release', 'advanced']) {
    for (const f of (await readdir(path.join(golden, family))).filter((f) => f.endsWith('.json')).sort())
      files.push(`${family}/${f}`);
  }
  await writeFile(path.join(out, 'golden/manifest.json'), JSON.stringify(files));
  console.log(`built ${path.relative(process.cwd(), out) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.metafile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-minify': { type: 'boolean' } } });
  await buildSite({ out: values.out ? path.resolve(values.out) : DEFAULT_OUT, minify: !values['no-minify'] });
}
