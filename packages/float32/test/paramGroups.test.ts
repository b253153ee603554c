import { describe, expect, it } from 'vitest';
import { Adam_GC2, SGD_GC, type GcoptWarning, type Optimizer, type Param } from '@gcopt/core';
import { createOptimizer, type Float32OptimizerOptions, type ModelInput } from '../src/index.js';
import { coreParams, expectMatchesCore, makeGrads, makeModel, paramBytes } from './helpers.js';

/** Runs separate core optimizers over disjoint subsets of the model (what param groups mean). */
function runCoreGroups(
  model: ReturnType<typeof makeModel>,
  groups: {
    names: string[];
    optimizer: Optimizer;
    gc?: Record<string, boolean>;
    lr?: (t: number) => number | undefined;
  }[],
  steps: number,
): Map<string, Param> {
  const out = new Map<string, Param>();
  const runs = groups.map((g) => {
    const members = model.filter((p) => g.names.includes(p.name));
    const params = coreParams(members, Object.fromEntries(Object.entries(g.gc ?? {}).map(([k, v]) => [k, { gc: v }])));
    return { g, members, params, state: g.optimizer.init(params) };
  });
  for (let t = 1; t <= steps; t++) {
    const grads = makeGrads(model, t);
    for (const r of runs) {
      const lr = r.g.lr?.(t);
      ({ params: r.params, state: r.state } = r.g.optimizer.step(
        r.params,
        r.members.map((p) => grads[p.name]),
        r.state,
        lr === undefined ? {} : { lr },
      ));
    }
  }
  for (const r of runs) r.members.forEach((p, i) => out.set(p.name, r.params[i]));
  return out;
}

const WEIGHTS = ['conv.weight', 'fc.weight', 'dense.kernel'];

const BACKENDS = [
  { label: "backend 'core', bit for bit", backend: 'core' as const },
  { label: 'the default backend, within the fast path bound', backend: undefined },
];

describe.each(BACKENDS)(
  'param groups ($label): one core optimizer per group, made with the merged options',
  ({ backend }) => {
    const make = (name: string, options: Float32OptimizerOptions, model: ModelInput) =>
      createOptimizer(name, { ...options, backend }, model);

    it('no weight decay on biases (names)', () => {
      const model = makeModel();
      const opt = make(
        'SGD_GC',
        { lr: 0.1, momentum: 0.9, weightDecay: 1e-2, groups: [{ params: ['fc.bias'], weightDecay: 0 }] },
        model,
      );
      for (let t = 1; t <= 4; t++) opt.step(makeGrads(model, t));
      const ref = runCoreGroups(
        makeModel(),
        [
          { names: WEIGHTS, optimizer: SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2 }) },
          { names: ['fc.bias'], optimizer: SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 0 }) },
        ],
        4,
      );
      expectMatchesCore(
        model,
        model.map((p) => ref.get(p.name)!),
        backend,
      );
      expect(opt.groups.map((g) => [g.params, g.hyper.weightDecay])).toEqual([
        [WEIGHTS, 1e-2],
        [['fc.bias'], 0],
      ]);
      // and the groups really differ: one optimizer with decay everywhere gives other bias values
      const plain = makeModel();
      const plainOpt = make('SGD_GC', { lr: 0.1, momentum: 0.9, weightDecay: 1e-2 }, plain);
      for (let t = 1; t <= 4; t++) plainOpt.step(makeGrads(plain, t));
      expect(paramBytes([plain[2]])).not.toEqual(paramBytes([model[2]]));
      expect(paramBytes([plain[0]])).toEqual(paramBytes([model[0]]));
    });

    it('per-group learning rates, a RegExp selector, and a per-step lr for each group', () => {
      const model = makeModel();
      const opt = make('Adam_GC2', { lr: 1e-2, groups: [{ params: /^fc\./, lr: 1e-3, betas: [0.8, 0.99] }] }, model);
      const stepLr = (t: number) => (t === 3 ? [5e-3, 5e-4] : undefined);
      for (let t = 1; t <= 4; t++) opt.step(makeGrads(model, t), stepLr(t) ? { lr: stepLr(t) } : {});
      const ref = runCoreGroups(
        makeModel(),
        [
          { names: ['conv.weight', 'dense.kernel'], optimizer: Adam_GC2({ lr: 1e-2 }), lr: (t) => stepLr(t)?.[0] },
          {
            names: ['fc.weight', 'fc.bias'],
            optimizer: Adam_GC2({ lr: 1e-3, betas: [0.8, 0.99] }),
            lr: (t) => stepLr(t)?.[1],
          },
        ],
        4,
      );
      expectMatchesCore(
        model,
        model.map((p) => ref.get(p.name)!),
        backend,
      );
      expect(opt.params.map((p) => p.group)).toEqual([0, 1, 1, 0]);
    });

    it('a predicate selector, and a group that excludes its members from GC', () => {
      const model = makeModel();
      const warnings: GcoptWarning[] = [];
      const opt = make(
        'SGD_GC',
        {
          lr: 0.1,
          momentum: 0.9,
          onWarning: (w) => warnings.push(w),
          groups: [{ params: (p) => p.shape.length === 4, gc: false }],
        },
        model,
      );
      for (let t = 1; t <= 3; t++) opt.step(makeGrads(model, t));
      const ref = runCoreGroups(
        makeModel(),
        [
          { names: ['fc.weight', 'fc.bias', 'dense.kernel'], optimizer: SGD_GC({ lr: 0.1, momentum: 0.9 }) },
          { names: ['conv.weight'], optimizer: SGD_GC({ lr: 0.1, momentum: 0.9 }), gc: { 'conv.weight': false } },
        ],
        3,
      );
      expectMatchesCore(
        model,
        model.map((p) => ref.get(p.name)!),
        backend,
      );
      expect(opt.params[0]).toMatchObject({ name: 'conv.weight', gc: false, group: 1 });
      expect(warnings).toEqual([]);
    });

    it("a parameter's own gc / outAxis beat its group's", () => {
      const model = makeModel().map((p) => (p.name === 'fc.weight' ? { ...p, gc: true, outAxis: -1 } : p));
      const opt = make('SGD_GC', { lr: 0.1, groups: [{ params: /weight/, gc: false, outAxis: 1 }] }, model);
      expect(opt.params.map((p) => [p.name, p.gc, p.outAxis])).toEqual([
        ['conv.weight', false, 1],
        ['fc.weight', true, 1],
        ['fc.bias', true, 0],
        ['dense.kernel', true, 1],
      ]);
    });

    it('GC exclusion per parameter: gc: false on a model entry', () => {
      const model = makeModel().map((p) => (p.name === 'fc.weight' ? { ...p, gc: false } : p));
      const opt = make('SGD_GC', { lr: 0.1 }, model);
      opt.step(makeGrads(model, 1));
      const ref = runCoreGroups(
        makeModel(),
        [{ names: [...WEIGHTS, 'fc.bias'], optimizer: SGD_GC({ lr: 0.1 }), gc: { 'fc.weight': false } }],
        1,
      );
      expectMatchesCore(
        model,
        model.map((p) => ref.get(p.name)!),
        backend,
      );
      // with GC, the update of fc.weight has zero mean per output row; without it, it does not
      const gcModel = makeModel();
      make('SGD_GC', { lr: 0.1 }, gcModel).step(makeGrads(gcModel, 1));
      const rowMeanOfUpdate = (m: typeof model) => {
        const before = makeModel()[1].data;
        let s = 0;
        for (let j = 0; j < 6; j++) s += m[1].data[j] - before[j];
        return Math.abs(s / 6);
      };
      expect(rowMeanOfUpdate(gcModel)).toBeLessThan(1e-7);
      expect(rowMeanOfUpdate(model)).toBeGreaterThan(1e-3);
    });

    it('a fan-in-1 tensor under GC warns through onWarning, naming it', () => {
      const warnings: GcoptWarning[] = [];
      make('SGD_GC', { lr: 0.1, onWarning: (w) => warnings.push(w) }, [
        { name: 'head', shape: [3, 1], data: new Float32Array(3) },
      ]);
      expect(warnings.map((w) => w.paramName)).toEqual(['head']);
    });
  },
);
