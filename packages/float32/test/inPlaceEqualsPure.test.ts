import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../src/index.js';
import { CASES, coreOptimizer, coreParams, makeGrads, makeModel, paramBytes, stateBytes } from './helpers.js';

const STEPS = 5;

// backend 'core' is the core's recipe bit for bit; the default's bound is fastBackend.test.ts's
describe("backend 'core': in-place steps equal the core pure step, bit for bit", () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const model = makeModel();
    const options = { ...c.options, family: c.family, lookahead: c.lookahead, backend: 'core' as const };
    const opt = createOptimizer(c.name, options, model);
    const core = coreOptimizer(c);
    let params = coreParams(model);
    let state = core.init(params);
    const before = paramBytes(model);
    for (let t = 1; t <= STEPS; t++) {
      const grads = makeGrads(model, t);
      // a skipped tensor (null gradient) on step 3, as PyTorch's p.grad = None
      if (t === 3) grads['fc.bias'] = null as never;
      const report = opt.step(grads);
      expect(report).toEqual({ applied: true, step: t });
      ({ params, state } = core.step(
        params,
        model.map((p) => grads[p.name] ?? null),
        state,
      ));
    }
    expect(paramBytes(model)).toEqual(paramBytes(params));
    expect(paramBytes(model)).not.toEqual(before); // the model's own arrays moved
    const snap = opt.state();
    expect(snap.count).toBe(STEPS);
    expect(snap.params.map((p) => p.step)).toEqual(state.tensors.map((t) => t.step));
    expect(snap.params.find((p) => p.name === 'fc.bias')!.step).toBe(STEPS - 1);
    const ours = snap.params.flatMap((p) =>
      Object.keys(p.slots)
        .sort()
        .map((k) => new Uint8Array(p.slots[k].buffer.slice(0))),
    );
    expect(ours).toEqual(stateBytes(state));
    expect(snap.optimizer.name).toBe(core.name);
  });

  it('updates the very Float32Arrays it was given (no copies)', () => {
    const model = makeModel();
    const arrays = model.map((p) => p.data);
    const opt = createOptimizer('Adam_GC2', { lr: 1e-2 }, model);
    opt.step(makeGrads(model, 1));
    model.forEach((p, i) => expect(p.data).toBe(arrays[i]));
    expect(arrays[0][0]).not.toBe(makeModel()[0].data[0]);
  });

  it('accepts a record model, Map gradients and { shape, data } gradients', () => {
    const list = makeModel();
    const record = Object.fromEntries(list.map(({ name, ...rest }) => [name, rest]));
    const a = createOptimizer('SGD_GC', { lr: 0.1, momentum: 0.9 }, list);
    const twin = makeModel();
    const b = createOptimizer(
      'SGD_GC',
      { lr: 0.1, momentum: 0.9 },
      Object.fromEntries(twin.map(({ name, ...rest }) => [name, rest])),
    );
    expect(Object.keys(record)).toEqual(a.params.map((p) => p.name));
    for (let t = 1; t <= 3; t++) {
      const grads = makeGrads(list, t);
      a.step(grads);
      b.step(
        t % 2
          ? new Map(Object.entries(grads))
          : Object.fromEntries(twin.map((p) => [p.name, { shape: p.shape, data: grads[p.name] }])),
      );
    }
    expect(paramBytes(twin)).toEqual(paramBytes(list));
  });

  it('learning rate per step overrides the configured one', () => {
    const model = makeModel();
    const opt = createOptimizer('SGD_GC', { lr: 0.1, backend: 'core' }, model);
    const core = coreOptimizer({ label: '', name: 'SGD_GC', family: 'first_release', options: { lr: 0.1 } });
    let params = coreParams(model);
    let state = core.init(params);
    const lrs = [0.5, 0.01, 0.2];
    lrs.forEach((lr, i) => {
      const grads = makeGrads(model, i + 1);
      opt.step(grads, { lr });
      ({ params, state } = core.step(
        params,
        model.map((p) => grads[p.name]),
        state,
        { lr },
      ));
    });
    expect(paramBytes(model)).toEqual(paramBytes(params));
  });

  it('a learning-rate schedule is evaluated at the step number, as in the core', () => {
    const schedule = (t: number) => 0.1 / t;
    const model = makeModel();
    const opt = createOptimizer('Adam_GC', { lr: schedule, backend: 'core' }, model);
    const core = coreOptimizer({ label: '', name: 'Adam_GC', family: 'first_release', options: { lr: schedule } });
    let params = coreParams(model);
    let state = core.init(params);
    for (let t = 1; t <= 3; t++) {
      const grads = makeGrads(model, t);
      opt.step(grads);
      ({ params, state } = core.step(
        params,
        model.map((p) => grads[p.name]),
        state,
      ));
    }
    expect(paramBytes(model)).toEqual(paramBytes(params));
    expect(opt.state().optimizer.hyper.lr).toBeNull(); // a schedule is code, not data
  });

  it('AdamW is the advanced one unless the first release is asked for', async () => {
    const { createOptimizer } = await import('../src/index.js');
    expect(createOptimizer('Adam_GC2', { lr: 1e-3 }, makeModel()).name).toBe('Adam_GC2');
    expect(createOptimizer('SGD', { lr: 0.1, useGc: true }, makeModel()).family).toBe('advanced');
    expect(createOptimizer('AdamW', { family: 'first_release' }, makeModel()).family).toBe('first_release');
    expect(createOptimizer('AdamW', {}, makeModel()).family).toBe('advanced');
  });
});

describe('models laid out in one buffer, and scalars', () => {
  it('parameters that are views into one flat Float32Array step like separate arrays', () => {
    const separate = makeModel();
    const total = separate.reduce((n, p) => n + p.data.length, 0);
    const flat = new Float32Array(total + 3);
    let at = 3; // an odd offset: the views do not start at byte 0 of the buffer
    const views = separate.map((p) => {
      const data = flat.subarray(at, at + p.data.length);
      data.set(p.data);
      at += p.data.length;
      return { ...p, data };
    });
    const a = createOptimizer('AdamW_GC2', { lr: 1e-2, weightDecay: 1e-2 }, separate);
    const b = createOptimizer('AdamW_GC2', { lr: 1e-2, weightDecay: 1e-2 }, views);
    for (let t = 1; t <= 3; t++) {
      a.step(makeGrads(separate, t));
      b.step(makeGrads(separate, t));
    }
    expect(paramBytes(views)).toEqual(paramBytes(separate));
    expect(Array.from(flat.subarray(0, 3))).toEqual([0, 0, 0]); // memory outside the views untouched
  });

  it('a scalar parameter (shape [])', () => {
    const model = [{ name: 'temperature', shape: [], data: new Float32Array([1]) }];
    const opt = createOptimizer('SGD_GC', { lr: 0.5 }, model);
    opt.step({ temperature: new Float32Array([0.25]) });
    expect(model[0].data[0]).toBe(1 - 0.5 * 0.25);
    expect(opt.state().params[0]).toMatchObject({ shape: [], outAxis: 0, step: 1 });
  });
});
