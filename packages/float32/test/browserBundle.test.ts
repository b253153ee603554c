import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** esbuild for the browser: a Node built-in anywhere in the import graph fails to resolve. */
function bundleForBrowser(stdin?: string) {
  return build({
    ...(stdin
      ? { stdin: { contents: stdin, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' } }
      : { entryPoints: [entry] }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

describe('browser bundle', () => {
  it('bundles @gcopt/float32 (and @gcopt/core under it) for the browser with no Node built-in', async () => {
    const result = await bundleForBrowser();
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((p) => /(^|\/)core\/src\//.test(p))).toBe(true);
    for (const input of Object.values(result.metafile!.inputs)) {
      for (const imp of input.imports) expect(nodeBuiltins.has(imp.path)).toBe(false);
    }
    const code = result.outputFiles![0].text;
    expect(code).toContain('gcopt-optimizer-state');
    // the bundle runs: create, step, checkpoint, all from the bundled code
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const opt = mod.createOptimizer('Adam_GC2', { lr: 0.1 }, [{ name: 'w', shape: [2, 3], data }]);
    opt.step({ w: new Float32Array([1, 0, 0, 0, 1, 0]) });
    expect(data[0]).not.toBe(1);
    expect(mod.decodeSnapshot(mod.encodeSnapshot(opt.state())).count).toBe(1);
  });

  it('the same build fails when something imports a Node built-in (the check can fail)', async () => {
    await expect(
      bundleForBrowser("import { readFileSync } from 'node:fs'; export const x = readFileSync;"),
    ).rejects.toThrow(/node:fs/);
  });
});
