import { describe, expect, it } from 'vitest';
import { compilableSource } from '../../src/gpu/compilableSource.js';

// What a minifier may make of a kernel helper: `$` in the names of the function and its locals.
// biome-ignore lint/complexity/useArrowFunction: gpu.js compiles `function` sources, as here
const minified = new Function('return function a$(b, c$) { const $d = b * c$; return $d + a_(b); }')();

describe('compilableSource', () => {
  it('spells every $ of a kernel source as _gcopt_ and keeps what the function computes', () => {
    const fn = compilableSource(minified as (b: number, c: number) => number);
    expect(fn.toString()).not.toContain('$');
    expect(fn.toString()).toContain('function a_gcopt_(b, c_gcopt_)');
    (globalThis as Record<string, unknown>).a_ = (x: number) => x;
    try {
      expect(fn(3, 4)).toBe(15);
      expect(fn(3, 4)).toBe((minified as (b: number, c: number) => number)(3, 4));
    } finally {
      delete (globalThis as Record<string, unknown>).a_;
    }
  });

  it('returns a function without $ unchanged', () => {
    const plain = (x: number) => x + 1;
    expect(compilableSource(plain)).toBe(plain);
  });
});
