/**
 * A kernel function gpu.js can compile after a minifier has renamed it. gpu.js translates a kernel from
 * its source text (`fn.toString()`) into GLSL or WGSL, where `$` is not an identifier character, and
 * minifiers (esbuild, terser) may put `$` in the names they choose. The same function, rebuilt from
 * its source with every `$` spelled `DOLLAR_SPELLING` (kernel sources hold no strings, so every `$` is
 * part of a name and all uses of a name change alike); unchanged when its source has no `$`.
 */
export function compilableSource<F extends (...args: never[]) => number>(fn: F): F {
  const source = fn.toString();
  if (!source.includes('$')) return fn;
  return new Function(`return (${source.replace(/\$/g, DOLLAR_SPELLING)});`)() as F;
}

/**
 * Letters only: GLSL ES reserves every identifier with two consecutive underscores, and Chromium 156's
 * shader compiler (ANGLE) refuses them, so a spelling with an underscore at either end (`_gcopt_` until
 * 2026-12) broke names like `$$` or `_$` — and gpu.js's own `user_` prefix on arguments.
 */
export const DOLLAR_SPELLING = 'QgcoptQ';
