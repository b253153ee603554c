import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs build script without type declarations
import { buildFiles, OUT_DIR } from '../../scripts/build-wasm.mjs';

describe('the committed WebAssembly kernels', () => {
  it('are exactly what scripts/build-wasm.mjs builds from its WAT generator', async () => {
    const files = (await buildFiles()) as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['kernels.shared.wat', 'kernels.wat', 'kernelsBinary.ts']);
    for (const [name, text] of Object.entries(files)) {
      expect(
        readFileSync(join(OUT_DIR as string, name), 'utf8'),
        `${name} is stale: run node scripts/build-wasm.mjs`,
      ).toBe(text);
    }
  });
});
