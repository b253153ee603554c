import { describe, expect, it } from 'vitest';
import {
  createOptimizer,
  decodeSnapshot,
  encodeSnapshot,
  snapshotFromJSON,
  snapshotToJSON,
  SnapshotFormatError,
  SnapshotMismatchError,
  type Float32Optimizer,
  type Float32Param,
  type OptimizerSnapshot,
} from '../src/index.js';
import { CASES, cloneModel, fingerprint, makeGrads, makeModel, paramBytes, type Case } from './helpers.js';

const TOTAL = 7;
const SAVE_AT = 3;

function create(c: Case, model: Float32Param[], extra: Record<string, unknown> = {}): Float32Optimizer {
  return createOptimizer(c.name, { ...c.options, family: c.family, lookahead: c.lookahead, ...extra }, model);
}

const gradsFor = (model: Float32Param[], t: number) => {
  const g = makeGrads(model, t);
  if (t === 2) g['fc.bias'] = null as never; // tensors with different step counts
  return g;
};

describe('checkpoint: save after step k, resume, and the run is bit-identical to an uninterrupted one', () => {
  const codecs = {
    binary: (s: OptimizerSnapshot) => decodeSnapshot(encodeSnapshot(s)),
    json: (s: OptimizerSnapshot) => snapshotFromJSON(snapshotToJSON(s)),
  };
  // on the default backend (the fast path where it runs) and on 'core': resumed on the same one
  const runs = Object.entries(codecs).flatMap(([codec, roundTrip]) =>
    ([undefined, 'core'] as const).map((backend) => ({ codec, roundTrip, backend })),
  );
  for (const { codec, roundTrip, backend } of runs) {
    const title = `${codec}, backend ${backend ?? 'default'}: %s`;
    it.each(CASES.map((c) => [c.label, c] as const))(title, (_label, c) => {
      const straight = makeModel();
      const straightOpt = create(c, straight, { backend });
      for (let t = 1; t <= TOTAL; t++) straightOpt.step(gradsFor(straight, t));

      const first = makeModel();
      const firstOpt = create(c, first, { backend });
      for (let t = 1; t <= SAVE_AT; t++) firstOpt.step(gradsFor(first, t));
      const saved = roundTrip(firstOpt.state());
      const weights = cloneModel(first); // the caller saves the weights themselves

      // a fresh process: new optimizer over the restored weights, state loaded
      const resumed = cloneModel(weights);
      const resumedOpt = create(c, resumed, { backend });
      resumedOpt.loadState(saved);
      expect(resumedOpt.stepCount).toBe(SAVE_AT);
      for (let t = SAVE_AT + 1; t <= TOTAL; t++) resumedOpt.step(gradsFor(resumed, t));

      expect(paramBytes(resumed)).toEqual(paramBytes(straight));
      expect(encodeSnapshot(resumedOpt.state())).toEqual(encodeSnapshot(straightOpt.state()));
    });
  }

  it('the binary form is compact: header + 8-aligned raw float32 blobs', () => {
    const model = makeModel();
    const opt = createOptimizer('Adam_GC2', { lr: 1e-3 }, model);
    opt.step(makeGrads(model, 1));
    const bytes = encodeSnapshot(opt.state());
    const elements = model.reduce((n, p) => n + p.data.length, 0);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('GCOPTSNP');
    // two float32 slots per element (exp_avg, exp_avg_sq), plus at most a 4 KiB header and padding
    expect(bytes.length).toBeGreaterThanOrEqual(elements * 2 * 4);
    expect(bytes.length).toBeLessThan(elements * 2 * 4 + 4096);
    expect(bytes.length % 8).toBe(0);
  });

  it('the snapshot is self-describing and independent of the optimizer', () => {
    const model = makeModel();
    const opt = createOptimizer(
      'SGD_GC',
      { lr: 0.1, momentum: 0.9, groups: [{ params: ['fc.bias'], weightDecay: 0, gc: false }], weightDecay: 1e-4 },
      model,
    );
    opt.step(makeGrads(model, 1));
    const snap = opt.state();
    expect(snap.format).toBe('gcopt-optimizer-state');
    expect(snap.version).toBe(1);
    expect(snap.optimizer).toEqual({
      name: 'SGD_GC',
      family: 'first_release',
      hyper: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: false },
    });
    expect(snap.groups[1].hyper.weightDecay).toBe(0);
    expect(snap.params.map((p) => [p.name, p.shape, p.outAxis, p.gc, p.group, p.step])).toEqual([
      ['conv.weight', [4, 3, 2, 2], 0, true, 0, 1],
      ['fc.weight', [5, 6], 0, true, 0, 1],
      ['fc.bias', [5], 0, false, 1, 1],
      ['dense.kernel', [6, 4], 1, true, 0, 1],
    ]);
    expect(Object.keys(snap.params[0].slots)).toEqual(['momentum_buffer']);
    const copy = snap.params[0].slots.momentum_buffer.slice();
    opt.step(makeGrads(model, 2));
    expect(snap.params[0].slots.momentum_buffer).toEqual(copy); // later steps do not write into a snapshot
    // and loading copies: changing the snapshot afterwards does not reach the optimizer
    const other = createOptimizer(
      'SGD_GC',
      { lr: 0.1, momentum: 0.9, groups: [{ params: ['fc.bias'], weightDecay: 0, gc: false }], weightDecay: 1e-4 },
      makeModel(),
    );
    other.loadState(snap);
    const loaded = encodeSnapshot(other.state());
    snap.params[0].slots.momentum_buffer.fill(42);
    expect(encodeSnapshot(other.state())).toEqual(loaded);
  });

  it('JSON keeps NaN, ±Infinity and -0 exactly', () => {
    const model = makeModel();
    const opt = createOptimizer('SGD_GC', { lr: 0.1, momentum: 0.9 }, model);
    opt.step(makeGrads(model, 1));
    const snap = opt.state();
    const buf = snap.params[2].slots.momentum_buffer;
    buf.set([NaN, Infinity, -Infinity, -0, 1e-45]);
    const back = snapshotFromJSON(snapshotToJSON(snap)).params[2].slots.momentum_buffer;
    expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array(buf.buffer));
    expect(Object.is(back[3], -0)).toBe(true);
  });
});

describe('loadState refuses a snapshot that does not fit, and changes nothing', () => {
  function trained(name = 'Adam_GC2', options: Record<string, unknown> = { lr: 1e-2 }, model = makeModel()) {
    const opt = createOptimizer(name, options, model);
    opt.step(makeGrads(model, 1));
    opt.step(makeGrads(model, 2));
    return { model, opt };
  }
  const source = () => trained().opt.state();

  const mismatches: [string, () => OptimizerSnapshot, RegExp][] = [
    [
      'another optimizer kind',
      () => trained('Adam_GC', { lr: 1e-2 }).opt.state(),
      /snapshot is of Adam_GC.*this optimizer is Adam_GC2/,
    ],
    [
      'another family (AdamW)',
      () => ({ ...source(), optimizer: { ...source().optimizer, family: 'advanced' as const } }),
      /Adam_GC2 \(advanced\)/,
    ],
    [
      'a missing parameter',
      () => ({ ...source(), params: source().params.slice(1) }),
      /missing from the snapshot: 'conv.weight'/,
    ],
    [
      'an extra parameter',
      () => {
        const s = source();
        return { ...s, params: [...s.params, { ...s.params[2], name: 'extra.bias' }] };
      },
      /this model lacks: 'extra.bias'/,
    ],
    [
      'a renamed parameter',
      () => {
        const s = source();
        return { ...s, params: s.params.map((p) => (p.name === 'fc.weight' ? { ...p, name: 'fc.w' } : p)) };
      },
      /missing from the snapshot: 'fc.weight'[\s\S]*lacks: 'fc.w'/,
    ],
    [
      'another shape (same size)',
      () => {
        const s = source();
        return { ...s, params: s.params.map((p) => (p.name === 'fc.weight' ? { ...p, shape: [6, 5] } : p)) };
      },
      /parameter 'fc.weight': shape \[6,5\] in the snapshot, \[5,6\] in the model/,
    ],
    [
      'another output axis',
      () => {
        const s = source();
        return { ...s, params: s.params.map((p) => (p.name === 'dense.kernel' ? { ...p, outAxis: 0 } : p)) };
      },
      /'dense.kernel': outAxis 0 in the snapshot, 1 here/,
    ],
    [
      'float64 state arrays',
      () => {
        const s = source();
        return {
          ...s,
          params: s.params.map((p) => ({
            ...p,
            slots: Object.fromEntries(Object.entries(p.slots).map(([k, v]) => [k, Float64Array.from(v)])),
          })),
        };
      },
      /state exp_avg is float64 in the snapshot, this model is float32/,
    ],
    [
      'other state arrays (SGD momentum into Adam)',
      () => {
        const s = source();
        return { ...s, params: s.params.map((p) => ({ ...p, slots: { momentum_buffer: p.slots.exp_avg } })) };
      },
      /state arrays \[momentum_buffer\] in the snapshot, Adam_GC2 keeps \[exp_avg,exp_avg_sq\]/,
    ],
    [
      'other hyper-parameters',
      () => trained('Adam_GC2', { lr: 1e-2, betas: [0.8, 0.99] }).opt.state(),
      /group 0: betas = \[0.8,0.99\] in the snapshot, \[0.9,0.999\] here/,
    ],
    [
      'another gc setting',
      () => {
        const s = source();
        return { ...s, params: s.params.map((p) => (p.name === 'fc.weight' ? { ...p, gc: false } : p)) };
      },
      /'fc.weight': gc false in the snapshot, true here/,
    ],
  ];

  it.each(mismatches)('%s', (_what, make, message) => {
    const { model, opt } = trained();
    const snap = make();
    const before = fingerprint(model, opt);
    expect(() => opt.loadState(snap)).toThrow(SnapshotMismatchError);
    expect(() => opt.loadState(snap)).toThrow(message);
    expect(fingerprint(model, opt)).toEqual(before);
  });

  it('malformed snapshots are rejected with the field that is wrong', () => {
    const { model, opt } = trained();
    const before = fingerprint(model, opt);
    const s = source();
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ ...s, format: 'other' }, /format: expected 'gcopt-optimizer-state'/],
      [{ ...s, version: 2 }, /version: this gcopt reads version 1, got 2/],
      [{ ...s, count: -1 }, /count: expected an integer/],
      [
        { ...s, params: s.params.map((p, i) => (i === 1 ? { ...p, step: 9 } : p)) },
        /params\[1\] \('fc.weight'\)\.step: 9 steps exceed/,
      ],
      [
        {
          ...s,
          params: s.params.map((p, i) => (i === 0 ? { ...p, slots: { ...p.slots, exp_avg: new Float32Array(3) } } : p)),
        },
        /params\[0\] \('conv.weight'\)\.slots\.exp_avg: has 3 elements/,
      ],
      [{ ...s, optimizer: { ...s.optimizer, hyper: { ...s.optimizer.hyper, eps: 'x' } } }, /optimizer\.hyper\.eps/],
    ];
    for (const [snap, message] of bad) {
      expect(() => opt.loadState(snap as OptimizerSnapshot)).toThrow(SnapshotFormatError);
      expect(() => opt.loadState(snap as OptimizerSnapshot)).toThrow(message);
    }
    expect(fingerprint(model, opt)).toEqual(before);
  });

  it('allowConfigChange loads the arrays of a snapshot made with other hyper-parameters', () => {
    const { model, opt } = trained();
    const other = trained('Adam_GC2', { lr: 1e-2, betas: [0.8, 0.99] });
    opt.loadState(other.opt.state(), { allowConfigChange: true });
    const mine = opt.state();
    expect(mine.optimizer.hyper.betas).toEqual([0.9, 0.999]); // configuration kept
    expect(
      encodeSnapshot({ ...mine, optimizer: other.opt.state().optimizer, groups: other.opt.state().groups }),
    ).toEqual(encodeSnapshot(other.opt.state()));
    expect(model.length).toBe(4);
  });

  it('a different learning rate is not a mismatch (it is a per-step setting)', () => {
    const { opt } = trained();
    const snap = trained('Adam_GC2', { lr: 0.5 }).opt.state();
    expect(() => opt.loadState(snap)).not.toThrow();
  });

  it('bad bytes are rejected clearly', () => {
    const bytes = encodeSnapshot(source());
    expect(() => decodeSnapshot(bytes.subarray(0, 10))).toThrow(/too short/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x50;
    expect(() => decodeSnapshot(wrongMagic)).toThrow(/not a gcopt optimizer snapshot/);
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    const badJson = bytes.slice();
    badJson[16] = 0x7b + 1;
    expect(() => decodeSnapshot(badJson)).toThrow(SnapshotFormatError);
    expect(() => snapshotFromJSON('{')).toThrow(/not JSON/);
    // a Node Buffer view into a larger pool decodes too (byteOffset ≠ 0)
    const pooled = new Uint8Array(bytes.length + 5);
    pooled.set(bytes, 5);
    expect(encodeSnapshot(decodeSnapshot(pooled.subarray(5)))).toEqual(bytes);
  });
});
