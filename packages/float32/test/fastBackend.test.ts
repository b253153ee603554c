import { NonFiniteGradientError } from '@gcopt/core';
import { fastPathCovers, wasmSimdSupported } from '@gcopt/core/fast';
import { describe, expect, it } from 'vitest';
import { createOptimizer, decodeSnapshot, encodeSnapshot, type Float32Backend } from '../src/index.js';
import {
  CASES,
  FAST_PATH_BOUND,
  cloneModel,
  coreOptimizer,
  fingerprint,
  makeGrads,
  makeModel,
  maxRelError,
  paramBytes,
} from './helpers.js';

const STEPS = 5;

describe('this runtime has WebAssembly SIMD (else the default falls back and these tests say so)', () => {
  it('wasmSimdSupported()', () => expect(wasmSimdSupported()).toBe(true));
});

describe.each([
  ['the default backend', undefined],
  ["backend 'fast'", 'fast'],
] as const)("%s: @gcopt/core/fast's kernels under the float32 API, within its bound of the core", (_, backend) => {
  const cases = CASES.map((c) => [c.label, c] as const);
  it.each(cases)('%s: the same parameters and state as the core backend', (_label, c) => {
    const options = { ...c.options, family: c.family, lookahead: c.lookahead };
    const fused = c.lookahead === undefined && fastPathCovers(coreOptimizer(c));
    const coreModel = makeModel();
    const fastModel = cloneModel(coreModel);
    const core = createOptimizer(c.name, { ...options, backend: 'core' }, coreModel);
    expect(core.backend).toEqual({ name: 'core', groups: ['core'], note: '' });
    if (!fused && backend === 'fast') {
      // asked for by name, the fast path refuses what it cannot run, naming the option
      expect(() => createOptimizer(c.name, { ...options, backend }, fastModel)).toThrow(
        /backend = "fast" rejected: the fast path cannot run .*not fused/,
      );
      return;
    }
    const fast = createOptimizer(c.name, { ...options, backend }, fastModel);
    expect(fast.backend.name).toBe(fused ? 'fast' : 'core');
    expect(fast.backend.groups).toEqual([fused ? 'fast' : 'core']);
    // the default falls back to the core and says why, once, at creation
    expect(fast.backend.note).toMatch(fused ? /^$/ : /runs on the core \(.*not fused by the fast path\)/);
    for (let t = 1; t <= STEPS; t++) {
      const grads = makeGrads(coreModel, t);
      if (t === 3) grads['fc.bias'] = null as never; // a skipped tensor
      expect(fast.step(grads)).toEqual(core.step(grads));
    }
    coreModel.forEach((p, i) => {
      expect(maxRelError(fastModel[i].data, p.data), p.name).toBeLessThanOrEqual(FAST_PATH_BOUND);
    });
    expect(fastModel[0].data).not.toEqual(makeModel()[0].data); // the model's own arrays moved
    if (!fused) expect(paramBytes(fastModel)).toEqual(paramBytes(coreModel)); // the fallback is the core
    const a = core.state();
    const b = fast.state();
    expect(b.count).toBe(a.count);
    b.params.forEach((p, i) => {
      expect(p.step).toBe(a.params[i].step);
      for (const k of Object.keys(a.params[i].slots)) {
        expect(maxRelError(p.slots[k], a.params[i].slots[k]), `${p.name}.${k}`).toBeLessThanOrEqual(FAST_PATH_BOUND);
      }
    });
  });
});

describe("the default backend ('auto')", () => {
  it('picks the fast path for a fused recipe, and differs from the core only by rounding', () => {
    const model = makeModel();
    const opt = createOptimizer('Adam_GC2', { lr: 1e-2 }, model);
    expect(opt.backend).toEqual({ name: 'fast', groups: ['fast'], note: '' });
    const core = makeModel();
    const coreOpt = createOptimizer('Adam_GC2', { lr: 1e-2, backend: 'core' }, core);
    for (let t = 1; t <= 3; t++) {
      opt.step(makeGrads(model, t));
      coreOpt.step(makeGrads(core, t));
    }
    // really another path: not the core's bytes (were it the core, this would be equal)
    expect(paramBytes(model)).not.toEqual(paramBytes(core));
  });

  it.each([
    ['RAdam', {}],
    ['Ranger', {}],
    ['SGD', { lr: 0.1, momentum: 0.9, useGc: true, lookahead: { k: 2, alpha: 0.5 } }],
  ] as const)('falls back to the core for %s, and reports it', (name, options) => {
    const model = makeModel();
    const opt = createOptimizer(name, { ...options } as never, model);
    expect(opt.backend.name).toBe('core');
    expect(opt.backend.groups).toEqual(['core']);
    expect(opt.backend.note).toMatch(new RegExp(`^${opt.name.replace(/[()]/g, '\\$&')} runs on the core \\(`));
    const core = makeModel();
    const coreOpt = createOptimizer(name, { ...options, backend: 'core' } as never, core);
    for (let t = 1; t <= 3; t++) {
      opt.step(makeGrads(model, t));
      coreOpt.step(makeGrads(core, t));
    }
    expect(paramBytes(model)).toEqual(paramBytes(core));
  });

  it('reports per group; a group without parameters runs nothing and does not count', () => {
    const model = makeModel();
    const opt = createOptimizer(
      'SGD_GC',
      { lr: 0.1, groups: [{ params: ['fc.bias'], weightDecay: 0 }, { params: () => false }] },
      model,
    );
    expect(opt.backend).toEqual({ name: 'fast', groups: ['fast', 'fast', 'core'], note: '' });
  });

  it("backend 'core' is the core bit for bit, and backend names are checked", () => {
    const opt = createOptimizer('Adam_GC2', { backend: 'core' }, makeModel());
    expect(opt.backend).toEqual({ name: 'core', groups: ['core'], note: '' });
    expect(() => createOptimizer('Adam_GC2', { backend: 'gpu' as Float32Backend }, makeModel())).toThrow(
      /backend = "gpu" rejected: backend must be 'auto', 'core' or 'fast'/,
    );
  });

  it('continues from a loaded snapshot and from weights the user changed between steps', () => {
    const c = CASES.find((x) => x.name === 'Adam_GC2')!;
    const options = { ...c.options, family: c.family };
    const coreModel = makeModel();
    const fastModel = cloneModel(coreModel);
    const core = createOptimizer(c.name, { ...options, backend: 'core' }, coreModel);
    const fast = createOptimizer(c.name, options, fastModel);
    expect(fast.backend.name).toBe('fast');
    core.step(makeGrads(coreModel, 1));
    fast.loadState(core.state()); // the core's state, loaded into the fast backend
    fastModel.forEach((p, i) => p.data.set(coreModel[i].data)); // and the weights, written by the user
    for (let t = 2; t <= 4; t++) {
      const grads = makeGrads(coreModel, t);
      core.step(grads);
      fast.step(grads);
    }
    coreModel.forEach((p, i) => {
      expect(maxRelError(fastModel[i].data, p.data), p.name).toBeLessThanOrEqual(FAST_PATH_BOUND);
    });
    expect(fast.state().count).toBe(4);
  });

  it.each([
    ['one group', {}],
    ['two groups', { groups: [{ params: /bias/, lr: 1e-3 }] }],
  ])('%s: a checkpoint resumes bit for bit on the same backend', (_label, extra) => {
    const options = { lr: 1e-2, weightDecay: 1e-3, ...extra };
    const model = makeModel();
    const opt = createOptimizer('AdamW_GC2', options, model);
    expect(opt.backend.name).toBe('fast');
    for (let t = 1; t <= 2; t++) opt.step(makeGrads(model, t));
    const bytes = encodeSnapshot(opt.state());
    const resumedModel = cloneModel(model);
    const resumed = createOptimizer('AdamW_GC2', options, resumedModel);
    resumed.loadState(decodeSnapshot(bytes));
    for (let t = 3; t <= 5; t++) {
      const grads = makeGrads(model, t);
      if (t === 4) grads['conv.weight'] = null as never;
      opt.step(grads);
      resumed.step(grads);
    }
    expect(fingerprint(resumedModel, resumed)).toEqual(fingerprint(model, opt));
  });

  it('an lr schedule and per-step lrs reach the kernels (within the bound of the core)', () => {
    const schedule = (t: number) => 0.1 / t;
    const model = makeModel();
    const core = makeModel();
    const opt = createOptimizer('SGD_GC', { lr: schedule, momentum: 0.9 }, model);
    const coreOpt = createOptimizer('SGD_GC', { lr: schedule, momentum: 0.9, backend: 'core' }, core);
    expect(opt.backend.name).toBe('fast');
    for (let t = 1; t <= 4; t++) {
      const lr = t === 3 ? { lr: 0.5 } : {};
      opt.step(makeGrads(model, t), lr);
      coreOpt.step(makeGrads(core, t), lr);
    }
    core.forEach((p, i) => expect(maxRelError(model[i].data, p.data), p.name).toBeLessThanOrEqual(FAST_PATH_BOUND));
    // a schedule the kernels ignored would leave every step at lr 0.1: far outside the bound
    const fixed = makeModel();
    const fixedOpt = createOptimizer('SGD_GC', { lr: 0.1, momentum: 0.9 }, fixed);
    for (let t = 1; t <= 4; t++) fixedOpt.step(makeGrads(fixed, t));
    expect(maxRelError(fixed[0].data, model[0].data)).toBeGreaterThan(1e-3);
  });
});

describe('a failed step on the default backend changes nothing', () => {
  const setups = [
    ['one fast group (the kernels check)', {}],
    ['two fast groups (the host checks)', { groups: [{ params: /bias/, lr: 1e-3 }] }],
  ] as const;
  const bads = [
    ['NaN', Number.NaN],
    ['-Infinity', -Infinity],
    ['a float64 value that overflows float32', 1e39],
  ] as const;

  describe.each(setups)('%s', (_label, extra) => {
    it.each(bads)("%s in the last tensor: nonFinite 'throw' throws and leaves everything as it was", (_, value) => {
      const model = makeModel();
      const opt = createOptimizer('Adam_GC2', { lr: 1e-2, ...extra }, model);
      expect(opt.backend.name).toBe('fast');
      opt.step(makeGrads(model, 1));
      const before = fingerprint(model, opt);
      const grads: Record<string, Float32Array | Float64Array> = makeGrads(model, 2);
      const last = Float64Array.from(grads['dense.kernel']);
      last[5] = value;
      grads['dense.kernel'] = last;
      let thrown: unknown;
      try {
        opt.step(grads);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(NonFiniteGradientError);
      expect((thrown as Error).message).toMatch(/parameter 'dense.kernel'/);
      expect((thrown as Error).message).toMatch(/flat index 5/);
      expect(fingerprint(model, opt)).toEqual(before);
      expect(opt.stepCount).toBe(1);
      // and the optimizer steps on as if the failed call never happened
      const twin = makeModel();
      const twinOpt = createOptimizer('Adam_GC2', { lr: 1e-2, ...extra }, twin);
      twinOpt.step(makeGrads(twin, 1));
      opt.step(makeGrads(model, 2));
      twinOpt.step(makeGrads(twin, 2));
      expect(fingerprint(model, opt)).toEqual(fingerprint(twin, twinOpt));
    });

    it.each(bads)("%s with nonFinite 'skip': skipped, reported as given, nothing changed", (_, value) => {
      const model = makeModel();
      const opt = createOptimizer('Adam_GC2', { lr: 1e-2, nonFinite: 'skip', ...extra }, model);
      opt.step(makeGrads(model, 1));
      const params = paramBytes(model);
      const state = encodeSnapshot(opt.state());
      const grads: Record<string, Float32Array | Float64Array> = makeGrads(model, 2);
      const last = Float64Array.from(grads['fc.bias']);
      last[2] = value;
      grads['fc.bias'] = last;
      const report = opt.step(grads);
      expect(report).toMatchObject({ applied: false, step: 1, nonFinite: { param: 'fc.bias', index: 2, value } });
      expect(paramBytes(model)).toEqual(params);
      expect(opt.skippedSteps).toBe(1); // the one thing a skipped step changes
      expect(encodeSnapshot({ ...opt.state(), skippedSteps: 0 })).toEqual(state);
      expect(opt.state().params.map((p) => p.step)).toEqual([1, 1, 1, 1]);
    });
  });

  // the host scan sums four lanes and then the 1–3 values left: a bad value in every position of fc.bias (5)
  it.each([
    ["backend 'core'", { backend: 'core' as const }],
    ['two fast groups', { groups: [{ params: /conv/, lr: 1e-3 }] }],
  ])('%s: a NaN or a float64 1e39 at any index of a 5-element gradient is found there', (_label, extra) => {
    const model = makeModel();
    const opt = createOptimizer('SGD_GC', { lr: 0.1, nonFinite: 'skip', ...extra }, model);
    for (let index = 0; index < 5; index++) {
      for (const value of [Number.NaN, 1e39]) {
        const grads: Record<string, Float32Array | Float64Array> = makeGrads(model, 1);
        const bias = Float64Array.from(grads['fc.bias']);
        bias[index] = value;
        grads['fc.bias'] = bias;
        expect(opt.step(grads)).toMatchObject({ applied: false, nonFinite: { param: 'fc.bias', index, value } });
        const f32 = makeGrads(model, 1);
        f32['fc.bias'][index] = value;
        expect(opt.step(f32).nonFinite).toMatchObject({ param: 'fc.bias', index });
      }
    }
    expect(opt.stepCount).toBe(0);
  });

  it('a null gradient beside a NaN one: the NaN still stops the step', () => {
    const model = makeModel();
    const opt = createOptimizer('SGD_GC', { lr: 0.1 }, model);
    const before = fingerprint(model, opt);
    const grads: Record<string, Float32Array | null> = makeGrads(model, 1);
    grads['conv.weight'] = null;
    grads['fc.weight']![0] = Number.NaN;
    expect(() => opt.step(grads)).toThrow(NonFiniteGradientError);
    expect(fingerprint(model, opt)).toEqual(before);
  });
});
