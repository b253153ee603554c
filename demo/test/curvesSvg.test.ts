import { describe, expect, it } from 'vitest';
import { curvesSvg, DEMO_OPTIMIZERS, summarize, type RunResult } from '../src/index.js';

/** Every optimizer of the demo with exactly the same numbers: the worst case for telling lines apart. */
function identicalRuns(): RunResult[] {
  return DEMO_OPTIMIZERS.map((o) => ({
    optimizer: o.label,
    seed: 1,
    initial: { loss: 2.3, accuracy: 0.1 },
    wallSeconds: 1,
    cpuSeconds: 1,
    epochs: [1, 2, 3].map((e) => ({
      epoch: e,
      testAccuracy: 0.9 + e / 100,
      trainLoss: 1 / e,
      testLoss: 1 / e,
      elapsedSeconds: e,
    })),
    curve: Array.from({ length: 30 }, (_, k) => ({ epoch: (k + 0.5) / 10, loss: 2 / (1 + k) })),
  }));
}

/** The colour of every line and the centre of every marker, by the colour they are drawn in. */
function marksByColor(svg: string): Map<string, { lines: number; markers: string[] }> {
  const out = new Map<string, { lines: number; markers: string[] }>();
  const entry = (c: string) => out.get(c) ?? (out.set(c, { lines: 0, markers: [] }), out.get(c)!);
  for (const m of svg.matchAll(/<path d="[^"]*" fill="none" stroke="(#[0-9a-f]{6})"/g)) entry(m[1]).lines++;
  for (const m of svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"[^>]*stroke="(#[0-9a-f]{6})"/g))
    entry(m[3]).markers.push(`${m[1]},${m[2]}`);
  for (const m of svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="8"[^>]*stroke="(#[0-9a-f]{6})"/g)) {
    entry(m[3]).markers.push(`${Number(m[1]) + 4},${Number(m[2]) + 4}`);
  }
  for (const m of svg.matchAll(/<polygon points="([^"]+)"[^>]*stroke="(#[0-9a-f]{6})"/g)) {
    const pts = m[1].split(' ').map((p) => p.split(',').map(Number));
    const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
    const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
    entry(m[2]).markers.push(`${cx.toFixed(0)},${cy.toFixed(0)}`);
  }
  return out;
}

describe('the demo plot tells every optimizer apart', () => {
  const svg = curvesSvg(summarize(identicalRuns(), DEMO_OPTIMIZERS), 't', 's');
  const marks = marksByColor(svg);

  it('gives each optimizer its own colour, with one line per panel', () => {
    expect(marks.size).toBe(DEMO_OPTIMIZERS.length);
    for (const { lines } of marks.values()) expect(lines).toBe(2);
  });

  it('keeps the markers of curves that coincide apart (Adam_GC2 under AdamW_GC2, every pair)', () => {
    // the legend row (y ≥ 400) excluded
    const sets = [...marks.values()].map((m) => new Set(m.markers.filter((p) => !/,4\d\d$/.test(p))));
    for (const s of sets) expect(s.size).toBeGreaterThanOrEqual(6);
    for (let a = 0; a < sets.length; a++) {
      for (let b = a + 1; b < sets.length; b++) {
        const shared = [...sets[a]].filter((p) => sets[b].has(p));
        expect(shared, `optimizers ${a} and ${b} share marker positions`).toEqual([]);
      }
    }
  });

  it('uses a different marker shape for every optimizer in the legend', () => {
    const legend = svg.slice(svg.lastIndexOf('<g font-size="12">'));
    const shapes = [...legend.matchAll(/<(circle|rect|polygon) (?:points="([^"]+)")?/g)].map((m) => {
      if (m[1] !== 'polygon') return m[1];
      const ys = m[2].split(' ').map((p) => Number(p.split(',')[1]));
      return `polygon/${ys.length}/${ys[0] < ys[1] ? 'apex up' : 'apex down'}`;
    });
    expect(new Set(shapes).size).toBe(DEMO_OPTIMIZERS.length);
  });
});
