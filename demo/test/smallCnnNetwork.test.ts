import { describe, expect, it } from 'vitest';
import { loadDigits } from '@gcopt/mnist-data';
import { SmallCnnNetwork } from '../src/backends/js/smallCnnNetwork.js';
import { cloneTensors, initialWeights, SMALL_CNN_PARAMS } from '../src/index.js';

describe('the plain TypeScript small CNN', () => {
  const data = loadDigits({ trainLimit: 64 });
  const indices = Uint32Array.from([0, 5, 9, 17, 33, 40]);

  it('backpropagates the gradient of the mean loss (central differences agree)', () => {
    const weights = cloneTensors(initialWeights(3));
    const grads = weights.map((t) => ({ ...t, data: new Float32Array(t.data.length) }));
    const net = new SmallCnnNetwork(weights, grads, 8);
    net.lossAndGradients(data.train, indices);
    const analytic = grads.map((g) => g.data.slice());
    const scratch = weights.map((t) => ({ ...t, data: new Float32Array(t.data.length) }));
    const lossAt = () => new SmallCnnNetwork(weights, scratch, 8).lossAndGradients(data.train, indices);
    let checked = 0;
    for (let p = 0; p < weights.length; p++) {
      // a spread of entries in every tensor, including the largest-gradient one
      const g = analytic[p];
      let largest = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[largest])) largest = i;
      for (const i of [largest, 0, Math.floor(g.length / 2), g.length - 1]) {
        const w = weights[p].data;
        const keep = w[i];
        const h = 1e-2;
        w[i] = keep + h;
        const up = lossAt();
        w[i] = keep - h;
        const down = lossAt();
        w[i] = keep;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(numeric - g[i]), `${weights[p].name}[${i}]: numeric ${numeric}, analytic ${g[i]}`).toBeLessThan(
          2e-3 + 0.05 * Math.abs(g[i]),
        );
        checked++;
      }
    }
    expect(checked).toBe(SMALL_CNN_PARAMS.length * 4);
  });

  it('starts near chance: loss ≈ ln 10 from the default init', () => {
    const weights = initialWeights(1);
    const net = new SmallCnnNetwork(
      weights,
      weights.map((t) => ({ ...t, data: new Float32Array(t.data.length) })),
      64,
    );
    const all = Uint32Array.from({ length: 64 }, (_, i) => i);
    const { lossSum } = net.score(data.train, all);
    expect(lossSum / 64).toBeGreaterThan(2.0);
    expect(lossSum / 64).toBeLessThan(2.6);
  });
});
