import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRIES, MARKERS, markdownTable, README } from '../scripts/bundleSizes.mjs';

/** `| label | minified | gzipped | … |` rows → label → [minified kB, gzipped kB]. */
function sizes(table: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of table.split('\n').slice(2)) {
    const cells = line.split('|').map((c) => c.trim());
    out.set(cells[1], [parseFloat(cells[2]), parseFloat(cells[3])]);
  }
  return out;
}

describe("the README's bundle sizes", () => {
  // node examples/web/scripts/bundleSizes.mjs --write updates them
  it('match a fresh esbuild measurement within 10 %', async () => {
    const text = readFileSync(README, 'utf8');
    const [a, b] = [text.indexOf(MARKERS[0]), text.indexOf(MARKERS[1])];
    expect(a, 'README.md has the bundle-size markers').toBeGreaterThan(0);
    const written = sizes(text.slice(a + MARKERS[0].length, b).trim());
    const fresh = sizes(await markdownTable());
    expect([...written.keys()]).toEqual(ENTRIES.map((e) => e.label));
    for (const [label, [min, gz]] of fresh) {
      const [wMin, wGz] = written.get(label)!;
      expect(
        Math.abs(wMin - min) / min,
        `${label}: README says ${wMin} kB minified, now ${min} kB`,
      ).toBeLessThanOrEqual(0.1);
      expect(Math.abs(wGz - gz) / gz, `${label}: README says ${wGz} kB gzipped, now ${gz} kB`).toBeLessThanOrEqual(0.1);
    }
  }, 120_000);

  it('a page importing one optimizer from @gcopt/core pays less than one importing all of it', async () => {
    const fresh = sizes(await markdownTable());
    expect(fresh.get(ENTRIES[1].label)![1]).toBeLessThan(fresh.get(ENTRIES[0].label)![1]);
  }, 120_000);
});
