import { describe, expect, it } from 'vitest';
import {
  createOptimizer,
  encodeSnapshot,
  InvalidArgumentError,
  NonFiniteGradientError,
  ShapeMismatchError,
  type Float32Param,
  type Gradients,
} from '../src/index.js';
import { fingerprint, makeGrads, makeModel } from './helpers.js';

/**
 * A model with two groups, trained two steps so every state array is non-trivial. Bad values are
 * put in the *last* parameter (in the second group): an implementation that stepped group by group
 * or tensor by tensor would already have changed the others when it found the problem.
 */
function setup(options: Record<string, unknown> = {}) {
  const model = makeModel();
  const opt = createOptimizer(
    'Adam_GC2',
    { lr: 1e-2, weightDecay: 1e-3, groups: [{ params: ['fc.bias', 'dense.kernel'], weightDecay: 0 }], ...options },
    model,
  );
  opt.step(makeGrads(model, 1));
  opt.step(makeGrads(model, 2));
  return { model, opt, grads: makeGrads(model, 3) };
}

const LAST = 'dense.kernel';
const withLast = (grads: Record<string, Float32Array>, value: unknown): Gradients => ({
  ...grads,
  [LAST]: value as Float32Array,
});

const cases: [
  string,
  (g: Record<string, Float32Array>) => [Gradients, { lr?: number | number[] }?],
  new (...a: never[]) => Error,
  RegExp,
][] = [
  [
    'a gradient one element short',
    (g) => [withLast(g, g[LAST].subarray(1))],
    ShapeMismatchError,
    /gradient of parameter 'dense.kernel' has 23 elements, expected 24 \(shape \[6,4\]\)/,
  ],
  [
    'a gradient one element long',
    (g) => [withLast(g, new Float32Array(25))],
    ShapeMismatchError,
    /'dense.kernel' has 25 elements, expected 24/,
  ],
  [
    'a gradient of the wrong shape',
    (g) => [withLast(g, { shape: [4, 6], data: g[LAST] })],
    ShapeMismatchError,
    /gradient of parameter 'dense.kernel' has shape \[4,6\], expected \[6,4\]/,
  ],
  [
    'a gradient that is not a typed array',
    (g) => [withLast(g, Array.from(g[LAST]))],
    InvalidArgumentError,
    /grads\['dense.kernel'\].*must be a Float32Array/,
  ],
  [
    'a gradient of integers',
    (g) => [withLast(g, new Int32Array(24))],
    InvalidArgumentError,
    /grads\['dense.kernel'\] = "Int32Array\(24\)"/,
  ],
  [
    'a missing gradient',
    (g) => [Object.fromEntries(Object.entries(g).filter(([k]) => k !== LAST))],
    InvalidArgumentError,
    /missing gradient for parameter 'dense.kernel'/,
  ],
  [
    'an undefined gradient',
    (g) => [withLast(g, undefined)],
    InvalidArgumentError,
    /missing gradient for parameter 'dense.kernel'/,
  ],
  [
    'an extra gradient',
    (g) => [{ ...g, 'fc2.weight': new Float32Array(3) }],
    InvalidArgumentError,
    /the model has no parameter named 'fc2.weight'/,
  ],
  [
    'NaN in a gradient',
    (g) => [
      withLast(
        g,
        g[LAST].map((v, i) => (i === 17 ? NaN : v)),
      ),
    ],
    NonFiniteGradientError,
    /gradient of parameter 'dense.kernel' holds NaN at flat index 17/,
  ],
  [
    '+Infinity in a gradient',
    (g) => [
      withLast(
        g,
        g[LAST].map((v, i) => (i === 23 ? Infinity : v)),
      ),
    ],
    NonFiniteGradientError,
    /'dense.kernel' holds Infinity at flat index 23/,
  ],
  [
    '-Infinity in a gradient',
    (g) => [
      withLast(
        g,
        g[LAST].map((v, i) => (i === 0 ? -Infinity : v)),
      ),
    ],
    NonFiniteGradientError,
    /'dense.kernel' holds -Infinity at flat index 0/,
  ],
  [
    'a negative learning rate',
    (g) => [g, { lr: -1e-3 }],
    InvalidArgumentError,
    /lr = -0.001 rejected: the learning rate of step 3 must be a finite number ≥ 0/,
  ],
  ['a NaN learning rate', (g) => [g, { lr: NaN }], InvalidArgumentError, /lr = NaN rejected/],
  ['an infinite learning rate', (g) => [g, { lr: Infinity }], InvalidArgumentError, /lr = Infinity rejected/],
  [
    'a negative learning rate for the second group only',
    (g) => [g, { lr: [1e-3, -1] }],
    InvalidArgumentError,
    /group 1 \('fc.bias', 'dense.kernel'\): lr = -1 rejected/,
  ],
  [
    'too few per-group learning rates',
    (g) => [g, { lr: [1e-3] }],
    InvalidArgumentError,
    /one learning rate per group: 2 expected, 1 given/,
  ],
  ['gradients that are not an object', () => [null as never], InvalidArgumentError, /grads = null rejected/],
];

describe('bad input is rejected with an error naming the parameter; the step is atomic', () => {
  it.each(cases)('%s', (_what, make, ErrorType, message) => {
    const { model, opt, grads } = setup();
    const before = fingerprint(model, opt);
    const [g, o] = make(grads);
    let thrown: unknown;
    try {
      opt.step(g, o as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ErrorType);
    expect((thrown as Error).message).toMatch(message);
    expect(fingerprint(model, opt)).toEqual(before); // every parameter byte and every state byte
    expect(opt.stepCount).toBe(2);
    // and the optimizer is still usable
    expect(opt.step(grads)).toEqual({ applied: true, step: 3 });
  });

  it('a schedule that returns a bad rate is caught before anything changes', () => {
    const { model, opt, grads } = setup({ groups: [{ params: [LAST], lr: (t: number) => (t >= 3 ? NaN : 1e-3) }] });
    const before = fingerprint(model, opt);
    expect(() => opt.step(grads)).toThrow(/group 1 \('dense.kernel'\): lr = NaN rejected: the learning rate of step 3/);
    expect(fingerprint(model, opt)).toEqual(before);
  });
});

describe("nonFinite: 'skip' skips the step and reports it (the mixed-precision habit)", () => {
  it('skips, changes nothing, reports where, and the next finite step applies', () => {
    const { model, opt, grads } = setup({ nonFinite: 'skip' });
    const twin = setup();
    const before = fingerprint(model, opt);
    const bad = { ...grads, 'fc.bias': grads['fc.bias'].map((v, i) => (i === 2 ? Infinity : v)) };
    const report = opt.step(bad);
    expect(report).toMatchObject({
      applied: false,
      step: 2,
      nonFinite: { param: 'fc.bias', index: 2, value: Infinity },
    });
    expect(report.skippedReason).toMatch(/non-finite gradient: 'fc.bias' holds Infinity at flat index 2/);
    // parameters and state arrays unchanged; only the skip counter moved
    const after = fingerprint(model, opt);
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(encodeSnapshot({ ...opt.state(), skippedSteps: 0 })).toEqual(before[4]);
    expect(opt.skippedSteps).toBe(1);
    expect(opt.state().skippedSteps).toBe(1);
    // the skipped step left no trace: the next step equals the twin's step 3
    expect(opt.step(grads)).toEqual({ applied: true, step: 3 });
    twin.opt.step(grads);
    expect(fingerprint(model, opt).slice(0, 4)).toEqual(fingerprint(twin.model, twin.opt).slice(0, 4));
  });

  it('still throws on malformed gradients (only NaN/Inf is skipped)', () => {
    const { opt, grads } = setup({ nonFinite: 'skip' });
    expect(() => opt.step({ ...grads, 'fc.bias': new Float32Array(2) })).toThrow(ShapeMismatchError);
  });
});

describe('bad models and options are rejected naming the parameter', () => {
  const good = () => makeModel();
  const bad: [string, () => unknown, RegExp][] = [
    [
      'data not a Float32Array',
      () => [{ name: 'w', shape: [2], data: [1, 2] }],
      /parameter 'w'\.data = "Array\(2\)" rejected: data must be a Float32Array/,
    ],
    [
      'float64 data',
      () => [{ name: 'w', shape: [2], data: new Float64Array(2) }],
      /parameter 'w'\.data = "Float64Array\(2\)"/,
    ],
    [
      'shape and length disagree',
      () => [{ name: 'w', shape: [2, 3], data: new Float32Array(5) }],
      /parameter 'w'\.data = "Float32Array\(5\)" rejected: shape \[2,3\] needs 6 elements/,
    ],
    ['a bad shape', () => [{ name: 'w', shape: [2, 0], data: new Float32Array(0) }], /parameter 'w'\.shape/],
    ['a duplicate name', () => [...good(), { ...good()[0] }], /parameter 'conv.weight'\.name .* names must be unique/],
    ['a nameless parameter', () => [{ shape: [1], data: new Float32Array(1) }], /model\[0\]\.name/],
    [
      'an output axis out of range',
      () => [{ name: 'w', shape: [2, 3], data: new Float32Array(6), outAxis: 2 }],
      /outAxis = 2 rejected/,
    ],
    [
      'overlapping memory',
      () => {
        const buf = new Float32Array(10);
        return [
          { name: 'a', shape: [6], data: buf.subarray(0, 6) },
          { name: 'b', shape: [6], data: buf.subarray(4) },
        ];
      },
      /parameter 'b'\.data .* overlaps the data of parameter 'a'/,
    ],
  ];
  it.each(bad)('%s', (_what, model, message) => {
    expect(() => createOptimizer('SGD_GC', { lr: 0.1 }, model() as Float32Param[])).toThrow(message);
  });

  it('bad options', () => {
    expect(() => createOptimizer('Adam_GC9', {}, good())).toThrow(/name = "Adam_GC9" rejected: no such optimizer/);
    expect(() => createOptimizer('Adam_GC2', { lr: -1 }, good())).toThrow(
      /lr = -1 rejected: Invalid learning rate: -1.0/,
    );
    expect(() => createOptimizer('Adam_GC2', { betaz: [0.9, 0.99] }, good())).toThrow(
      /betaz .* unknown option of Adam_GC2/,
    );
    expect(() => createOptimizer('Adam_GC2', { nonFinite: 'ignore' as never }, good())).toThrow(
      /nonFinite must be 'throw' or 'skip'/,
    );
    expect(() => createOptimizer('SGD_GC', { lr: 0.1, groups: [{ params: ['nope'] }] }, good())).toThrow(
      /groups\[0\]\.params = "nope" rejected: the model has no parameter named 'nope'/,
    );
    expect(() =>
      createOptimizer('SGD_GC', { lr: 0.1, groups: [{ params: /fc/ }, { params: ['fc.bias'] }] }, good()),
    ).toThrow(/parameter 'fc.bias' is already in groups\[0\]/);
    expect(() => createOptimizer('SGD_GC', { lr: 0.1, groups: [{ params: /bias/, momentum: -1 }] }, good())).toThrow(
      /momentum = -1 rejected/,
    );
  });
});
