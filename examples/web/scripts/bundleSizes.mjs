#!/usr/bin/env node
// What each gcopt package costs a web page: every entry point bundled by esbuild for the browser
// (minified, its own dependencies included; the runtimes a page brings anyway — tfjs, onnxruntime,
// gpu.js — external), gzipped. Also what a page that imports one optimizer from @gcopt/core pays
// after tree shaking. Prints the README's markdown table (`--markdown`) or JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

export const ENTRIES = [
  { label: '`@gcopt/core` (everything)', code: "export * from '@gcopt/core';" },
  {
    label: '`@gcopt/core`, one optimizer (`import { Adam_GC2 }`)',
    code: "import { Adam_GC2 } from '@gcopt/core'; globalThis.opt = Adam_GC2;",
  },
  { label: '`@gcopt/core/fast`', code: "export * from '@gcopt/core/fast';" },
  { label: '`@gcopt/core/gpu` (gpu.js itself not counted)', code: "export * from '@gcopt/core/gpu';" },
  { label: '`@gcopt/float32`', code: "export * from '@gcopt/float32';" },
  { label: '`@gcopt/onnxruntime`', code: "export * from '@gcopt/onnxruntime';" },
  { label: '`@gcopt/tfjs` (tfjs itself not counted)', code: "export * from '@gcopt/tfjs';" },
];
const EXTERNAL = ['@tensorflow/*', 'onnxruntime-web', 'onnxruntime-node', 'onnxruntime-common', 'gpu.js', 'webgpu'];

/** Minified and gzipped bytes of one entry, and the bytes per package from esbuild's metafile. */
export async function measure(code) {
  const result = await esbuild.build({
    stdin: { contents: code, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: EXTERNAL,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
    const workspace = /(?:^|\/)packages\/([^/]+)\//.exec(file);
    const name = m ? m[1] : workspace ? `@gcopt/${workspace[1]}` : '(entry)';
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length, byPackage };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

export async function markdownTable() {
  const rows = ['| what a page imports | minified | min + gzip | largest parts (minified) |', '|---|---:|---:|---|'];
  for (const e of ENTRIES) {
    const m = await measure(e.code);
    const parts = Object.entries(m.byPackage)
      .filter(([, b]) => b > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, b]) => `${name} ${kb(b)}`)
      .join(', ');
    rows.push(`| ${e.label} | ${kb(m.minified)} | ${kb(m.gzipped)} | ${parts} |`);
  }
  return rows.join('\n');
}

export const README = path.join(here, '../../../README.md');
export const MARKERS = [
  '<!-- bundle-sizes:start (node examples/web/scripts/bundleSizes.mjs --write) -->',
  '<!-- bundle-sizes:end -->',
];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const table = await markdownTable();
  if (process.argv.includes('--write')) {
    const text = readFileSync(README, 'utf8');
    const [a, b] = [text.indexOf(MARKERS[0]), text.indexOf(MARKERS[1])];
    if (a < 0 || b < a) throw new Error(`README.md: the markers ${MARKERS.join(' … ')} are missing`);
    writeFileSync(README, `${text.slice(0, a + MARKERS[0].length)}\n${table}\n${text.slice(b)}`);
    console.log('README.md: bundle table updated');
  } else console.log(table);
}
