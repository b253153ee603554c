import { fastPathCovers } from '@gcopt/core/fast';
import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../src/index.js';
import { CASES, cloneModel, coreOptimizer, makeGrads, makeModel } from './helpers.js';

const STEPS = 5;
/** The fast path's bound against the core (packages/core/README.md): float32 rounding, relative to max(1, |x|). */
const TOLERANCE = 1e-5;

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

describe("backend 'fast': @gcopt/core/fast's kernels under the float32 API", () => {
  const cases = CASES.map((c) => [c.label, c] as const);
  it.each(cases)('%s: the same parameters and state as the core backend', (_label, c) => {
    const options = { ...c.options, family: c.family, lookahead: c.lookahead };
    const coreModel = makeModel();
    const fastModel = cloneModel(coreModel);
    const core = createOptimizer(c.name, { ...options, backend: 'core' }, coreModel);
    const fast = createOptimizer(c.name, { ...options, backend: 'fast' }, fastModel);
    const fused = c.lookahead === undefined && fastPathCovers(coreOptimizer(c));
    expect(fast.backend.name).toBe(fused ? 'fast' : 'core');
    if (!fused) expect(fast.backend.note).toMatch(/not fused/);
    expect(core.backend).toEqual({ name: 'core', note: '' });
    for (let t = 1; t <= STEPS; t++) {
      const grads = makeGrads(coreModel, t);
      if (t === 3) grads['fc.bias'] = null as never; // a skipped tensor
      expect(fast.step(grads)).toEqual(core.step(grads));
    }
    coreModel.forEach((p, i) => expect(maxRelError(fastModel[i].data, p.data), p.name).toBeLessThanOrEqual(TOLERANCE));
    expect(fastModel[0].data).not.toEqual(makeModel()[0].data); // the model's own arrays moved
    const a = core.state();
    const b = fast.state();
    expect(b.count).toBe(a.count);
    b.params.forEach((p, i) => {
      expect(p.step).toBe(a.params[i].step);
      for (const k of Object.keys(a.params[i].slots)) {
        expect(maxRelError(p.slots[k], a.params[i].slots[k]), `${p.name}.${k}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  });

  it('continues from a loaded snapshot and from weights the user changed between steps', () => {
    const c = CASES.find((x) => x.name === 'Adam_GC2')!;
    const options = { ...c.options, family: c.family };
    const coreModel = makeModel();
    const fastModel = cloneModel(coreModel);
    const core = createOptimizer(c.name, { ...options, backend: 'core' }, coreModel);
    const fast = createOptimizer(c.name, { ...options, backend: 'fast' }, fastModel);
    expect(fast.backend.name).toBe('fast');
    core.step(makeGrads(coreModel, 1));
    fast.loadState(core.state()); // the core's state, loaded into the fast backend
    fastModel.forEach((p, i) => p.data.set(coreModel[i].data)); // and the weights, written by the user
    for (let t = 2; t <= 4; t++) {
      const grads = makeGrads(coreModel, t);
      core.step(grads);
      fast.step(grads);
    }
    coreModel.forEach((p, i) => expect(maxRelError(fastModel[i].data, p.data), p.name).toBeLessThanOrEqual(TOLERANCE));
    expect(fast.state().count).toBe(4);
  });

  it('refuses an unknown backend, naming the option', () => {
    expect(() => createOptimizer('Adam_GC2', { backend: 'gpu' } as never, makeModel())).toThrow(/backend/);
  });
});
