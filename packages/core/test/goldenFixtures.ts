import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GoldenFile, GoldenInputs } from '../src/index.js';

/** The trajectories recorded from the reference PyTorch code (format: docs/ALGORITHMS.md §0). */
export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/golden');

export function loadInputs(): GoldenInputs {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, 'inputs.json'), 'utf8')) as GoldenInputs;
}

export function goldenFiles(): { path: string; golden: GoldenFile }[] {
  return ['first_release', 'advanced'].flatMap((family) =>
    readdirSync(join(GOLDEN_DIR, family))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const path = join(GOLDEN_DIR, family, f);
        return { path, golden: JSON.parse(readFileSync(path, 'utf8')) as GoldenFile };
      }),
  );
}
