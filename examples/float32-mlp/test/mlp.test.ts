import { describe, expect, it } from 'vitest';
import { loadDigits, seededRandom } from '@gcopt/mnist-data';
import { COMPARISON, Mlp, trainRun, type RunResult } from '../src/index.js';

describe('the hand-written backward pass', () => {
  it('matches central finite differences of the loss', () => {
    const data = loadDigits({ testCount: 100, trainLimit: 20 });
    const mlp = new Mlp(8, 3);
    const batch = [0, 1, 2, 3, 4, 5];
    mlp.lossAndGradients(data.train, batch);
    const analytic = Object.fromEntries(Object.entries(mlp.grads).map(([k, v]) => [k, v.slice()]));
    const random = seededRandom(5);
    let checked = 0;
    for (const p of mlp.params) {
      // most fc1 inputs are blank pixels, whose weights have exactly zero gradient: check live ones
      const candidates = Array.from(p.data.keys()).filter((i) => p.name !== 'fc1.weight' || analytic[p.name][i] !== 0);
      for (let trial = 0; trial < 6; trial++) {
        const i = candidates[Math.floor(random() * candidates.length)];
        const saved = p.data[i];
        const h = 1e-3;
        p.data[i] = saved + h;
        const up = mlp.lossAndGradients(data.train, batch);
        p.data[i] = saved - h;
        const down = mlp.lossAndGradients(data.train, batch);
        p.data[i] = saved;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(analytic[p.name][i] - numeric)).toBeLessThan(1e-3 * Math.abs(numeric) + 1e-5);
        checked++;
      }
    }
    expect(checked).toBe(24);
    // at least some of the checked gradients are far from zero, so the comparison means something
    expect(Math.max(...Object.values(analytic).map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-2);
  });
});

describe('training on real MNIST digits: SGD vs SGD_GC, Adam vs Adam_GC2', () => {
  const data = loadDigits({ testCount: 1000, trainLimit: 2000 });
  const results: RunResult[] = [];

  it.each(COMPARISON.map((c) => [c.label, c] as const))(
    '%s: the loss falls and test accuracy is far above chance',
    (_label, config) => {
      const result = trainRun(config, data, { epochs: 3, batchSize: 32, hidden: 32, seed: 11 });
      results.push(result);
      expect(result.steps).toBe(3 * Math.floor(2000 / 32)); // 186 optimizer steps
      const [first, , last] = result.epochLosses;
      expect(first).toBeLessThan(Math.log(10) + 0.5); // started near chance-level loss (ln 10 ≈ 2.30)
      expect(last).toBeLessThan(0.7 * first);
      expect(result.testAccuracy).toBeGreaterThan(0.8);
    },
  );

  it('GC changed the trajectory (the runs are not the same run under another name)', () => {
    const byLabel = Object.fromEntries(results.map((r) => [r.label, r]));
    expect(byLabel.SGD_GC.epochLosses).not.toEqual(byLabel.SGD.epochLosses);
    expect(byLabel.Adam_GC2.epochLosses).not.toEqual(byLabel.Adam.epochLosses);
    console.log(
      results
        .map(
          (r) =>
            `${r.label}: losses ${r.epochLosses.map((l) => l.toFixed(3)).join(' → ')}, test accuracy ` +
            `${(100 * r.testAccuracy).toFixed(1)}%`,
        )
        .join('\n'),
    );
  });
});
