import { describe, expect, it } from 'vitest';
import {
  curvesSvg,
  DEMO_OPTIMIZERS,
  meanStd,
  resultsTable,
  summarize,
  verdicts,
  type RunResult,
} from '../src/index.js';

function run(optimizer: string, seed: number, accuracies: number[], trainLosses: number[]): RunResult {
  return {
    optimizer,
    seed,
    initial: { loss: 2.3, accuracy: 0.1 },
    wallSeconds: 2 + seed,
    cpuSeconds: 1 + seed,
    epochs: accuracies.map((a, e) => ({
      epoch: e + 1,
      testAccuracy: a,
      trainLoss: trainLosses[e],
      testLoss: trainLosses[e] + 0.1,
      elapsedSeconds: e + 1,
    })),
    curve: trainLosses.map((l, e) => ({ epoch: e + 0.5, loss: l })),
  };
}

const sgd = DEMO_OPTIMIZERS.filter((o) => o.label === 'SGD' || o.label === 'SGD_GC');
const runs = [
  run('SGD', 1, [0.9, 0.95], [0.5, 0.2]),
  run('SGD_GC', 1, [0.91, 0.96], [0.45, 0.15]),
  run('SGD', 2, [0.88, 0.93], [0.6, 0.3]),
  run('SGD_GC', 2, [0.9, 0.92], [0.5, 0.35]),
];

describe('summaries and the table', () => {
  it('meanStd uses the sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });

  it('summarizes the last epoch over seeds and pairs each GC variant with its baseline seed by seed', () => {
    const [base, gc] = summarize(runs, sgd);
    expect(base.label).toBe('SGD');
    expect(base.testAccuracy.mean).toBeCloseTo(0.94, 12);
    expect(base.testAccuracy.std).toBeCloseTo(Math.sqrt(0.0002), 12);
    expect(base.meanTrainLossByEpoch).toEqual([0.55, 0.25]);
    expect(base.wallSeconds.mean).toBe(3.5);
    expect(base.versusBaseline).toBeUndefined();
    const v = gc.versusBaseline!;
    expect(v.baseline).toBe('SGD');
    expect(v.accuracyGain.mean).toBeCloseTo((0.01 - 0.01) / 2, 12);
    expect(v.seedsWithHigherAccuracy).toBe(1);
    expect(v.trainLossChange.mean).toBeCloseTo((-0.05 + 0.05) / 2, 12);
    expect(v.seedsWithLowerTrainLoss).toBe(1);
  });

  it('prints mean ± std per optimizer and the paired comparison', () => {
    const table = resultsTable(summarize(runs, sgd));
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(
      /^\| SGD \| 94\.00 ± 1\.41 \| 0\.3500 ± 0\.0707 \| 0\.2500 ± 0\.0707 \| 3\.5 \(2\.5\) \| — \| — \|$/,
    );
    expect(lines[3]).toContain('| SGD_GC | 94.00 ± 2.83 |');
    expect(lines[3]).toContain('vs SGD (higher in 1/2 seeds)');
  });

  it('says in words whether GC beat its baseline in every seed, lost in every seed, or neither', () => {
    expect(verdicts(summarize(runs, sgd))).toEqual([
      'SGD_GC vs SGD: +0.00 pts test accuracy, +0.0000 train loss — no consistent difference (higher in 1 of 2 seeds).',
    ]);
    const better = runs.map((r) =>
      r.optimizer === 'SGD_GC'
        ? { ...r, epochs: r.epochs.map((e) => ({ ...e, testAccuracy: e.testAccuracy + 0.02 })) }
        : r,
    );
    expect(verdicts(summarize(better, sgd))[0]).toMatch(
      /^SGD_GC vs SGD: \+2\.00 pts test accuracy, .* — GC helped in all 2 seeds\.$/,
    );
    const worse = runs.map((r) =>
      r.optimizer === 'SGD_GC'
        ? { ...r, epochs: r.epochs.map((e) => ({ ...e, testAccuracy: e.testAccuracy - 0.02 })) }
        : r,
    );
    expect(verdicts(summarize(worse, sgd))[0]).toMatch(/— GC did worse in all 2 seeds\.$/);
    expect(
      verdicts(
        summarize(
          runs.filter((r) => r.seed === 1),
          sgd,
        ),
      )[0],
    ).toMatch(/— one seed only: no conclusion\.$/);
  });

  it('draws one line per optimizer in each panel, dashed for the baseline, with a legend', () => {
    const svg = curvesSvg(summarize(runs, sgd), 'Title & <co>', 'sub');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Title &amp; &lt;co&gt;');
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg.match(/<path [^>]*stroke-dasharray/g)).toHaveLength(2);
    expect(svg.match(/<title>SGD_GC<\/title>/g)).toHaveLength(2);
    expect(svg).toContain('>SGD_GC</text>');
    // every coordinate is a finite number
    for (const m of svg.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) {
      expect(Number.isFinite(Number(m[1])) && Number.isFinite(Number(m[2]))).toBe(true);
    }
  });
});
