import { describe, expect, it } from 'vitest';
import { compilableSource, DOLLAR_SPELLING } from '../../src/gpu/compilableSource.js';

// What a minifier may make of a kernel helper: `$` in the names of the function and its locals, alone,
// doubled, and next to an underscore.
const minified = new Function(
  'return function a$(b, c$) { const $$ = b * c$; const _$ = $$ + 1; return _$ + a_(b) - 1; }',
)();

describe('compilableSource', () => {
  it('spells every $ of a kernel source in letters and keeps what the function computes', () => {
    const fn = compilableSource(minified as (b: number, c: number) => number);
    const source = fn.toString();
    expect(source).not.toContain('$');
    expect(source).toContain(`function a${DOLLAR_SPELLING}(b, c${DOLLAR_SPELLING})`);
    // GLSL ES reserves names with two consecutive underscores (Chromium 156's ANGLE refuses them)
    expect(source).not.toContain('__');
    expect(DOLLAR_SPELLING).toMatch(/^[A-Za-z]+$/);
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
