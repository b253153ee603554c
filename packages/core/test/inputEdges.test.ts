import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adagrad_GC,
  Adam,
  Adam_GC,
  Adam_GC2,
  AdamW,
  InvalidArgumentError,
  Lookahead,
  NonFiniteGradientError,
  RAdam,
  Ranger,
  SGD,
  SGD_GC,
  SGDW,
  type Param,
} from '../src/index.js';

/** The InvalidArgumentError `run` throws (fails the test if it throws anything else, or nothing). */
function rejection(run: () => unknown): InvalidArgumentError {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InvalidArgumentError);
  return thrown as InvalidArgumentError;
}

describe('one rule for hyper-parameters: a value a checkpoint cannot store is refused at construction', () => {
  // each of these was accepted before, and the optimizer could then not be checkpointed
  const infinite: [string, () => unknown, string][] = [
    ['Adam_GC eps', () => Adam_GC({ eps: Infinity }), 'eps'],
    ['Adam_GC weightDecay', () => Adam_GC({ weightDecay: -Infinity }), 'weightDecay'],
    ['advanced Adam weightDecay', () => Adam({ weightDecay: Infinity }), 'weightDecay'],
    ['SGD_GC momentum', () => SGD_GC({ lr: 0.1, momentum: Infinity }), 'momentum'],
    ['SGD_GC weightDecay', () => SGD_GC({ lr: 0.1, weightDecay: Infinity }), 'weightDecay'],
    ['SGDW dampening', () => SGDW({ lr: 0.1, momentum: 0.9, dampening: -Infinity }), 'dampening'],
    ['Adagrad_GC lrDecay', () => Adagrad_GC({ lrDecay: Infinity }), 'lrDecay'],
    [
      'Adagrad_GC initialAccumulatorValue',
      () => Adagrad_GC({ initialAccumulatorValue: Infinity }),
      'initialAccumulatorValue',
    ],
    ['RAdam weightDecay', () => RAdam({ weightDecay: Infinity }), 'weightDecay'],
    ['Ranger betas (unchecked by the reference)', () => Ranger({ betas: [0.95, Infinity] }), 'betas'],
    ['Ranger weightDecay', () => Ranger({ weightDecay: -Infinity }), 'weightDecay'],
    ['Ranger nSmaThreshold', () => Ranger({ nSmaThreshold: Infinity }), 'nSmaThreshold'],
  ];
  it.each(infinite)('%s', (_what, make, param) => {
    const e = rejection(make);
    expect(e.param).toBe(param);
    expect(e.message).toMatch(/Infinity/);
    expect(e.message).toMatch(/finite/);
  });

  it('keeps the reference message where the reference rejects the value too', () => {
    const betas = rejection(() => Adam_GC2({ betas: [Infinity, 0.9] }));
    expect(betas.referenceMessage).toBe('Invalid beta parameter at index 0: inf');
    const momentum = rejection(() => SGD({ lr: 0.1, momentum: -Infinity }));
    expect(momentum.referenceMessage).toBe('Invalid momentum value: -inf');
  });
});

describe('errors print values as the user wrote them', () => {
  it('NaN and ±Infinity inside arrays print as such, not as null', () => {
    expect(rejection(() => Adam_GC2({ betas: [NaN, 0.9] })).message).toMatch(/betas = \[NaN,0\.9\] rejected/);
    const ranger = rejection(() => Ranger({ betas: [0.95, -Infinity] }));
    expect(ranger.message).toMatch(/betas = \[0\.95,-Infinity\] rejected/);
  });

  it('an unknown option is named as written, with the option it probably meant', () => {
    const e = rejection(() => Adam_GC2({ learningRate: 1e-3 } as never));
    expect(e.param).toBe('learningRate');
    expect(e.message).toMatch(/did you mean lr\?/);
    const snake = rejection(() => SGD_GC({ lr: 0.1, weight_decay: 1e-4 } as never));
    expect(snake.message).toMatch(/did you mean weightDecay\?/);
  });

  it('withParam renames the option for adapters whose users spell it differently', () => {
    const e = rejection(() => Adam_GC2({ lr: -1 })).withParam('learningRate');
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.param).toBe('learningRate');
    expect(e.message).toBe('Adam_GC2: learningRate = -1 rejected: Invalid learning rate: -1.0');
  });
});

describe('Lookahead checks its options like every other constructor', () => {
  it('refuses unknown option names', () => {
    const e = rejection(() => Lookahead(SGD({ lr: 0.1 }), { K: 3 } as never));
    expect(e.param).toBe('K');
    expect(e.message).toMatch(/unknown option of Lookahead\(SGD\)/);
  });

  it('refuses a missing inner optimizer and options that are not an object', () => {
    expect(rejection(() => Lookahead(null as never)).param).toBe('optimizer');
    expect(rejection(() => Lookahead(SGD({ lr: 0.1 }), 5 as never)).param).toBe('options');
    expect(rejection(() => Lookahead(SGD({ lr: 0.1 }), { alpha: Infinity })).param).toBe('alpha');
  });
});

describe('constructors refuse options that are not an object', () => {
  it.each([
    ['Adam_GC(null)', () => Adam_GC(null as never)],
    ['AdamW(42)', () => AdamW(42 as never)],
    ['SGD_GC(null)', () => SGD_GC(null as never)],
    ['Ranger([])', () => Ranger([] as never)],
  ])('%s', (_what, make) => {
    expect(rejection(make).param).toBe('options');
  });

  it('refuses an onWarning that is not a function', () => {
    expect(rejection(() => Adam({ onWarning: 'log' as never })).param).toBe('onWarning');
  });
});

describe('the pure API names a null or undefined argument', () => {
  const make = () => {
    const opt = Adam_GC2({ lr: 0.1 });
    const params: Param[] = [{ value: ndarray(Float32Array.from([1, 2, 3, 4]), [2, 2]), name: 'w' }];
    const state = opt.init(params);
    const grads = [Float32Array.from([0.1, 0.2, 0.3, 0.4])];
    opt.stepInPlace(params, grads, state);
    return { opt, params, state, grads };
  };
  const snapshot = (params: Param[], state: ReturnType<typeof make>['state']) =>
    JSON.stringify([
      Array.from(params[0].value.data),
      state.count,
      state.tensors.map((t) => [t.step, Object.values(t.slots).map((s) => Array.from(s))]),
    ]);

  for (const api of ['step', 'stepInPlace'] as const) {
    it.each([
      ['grads', null],
      ['grads', undefined],
      ['params', null],
      ['params', undefined],
      ['state', null],
      ['state', undefined],
      ['grads', 'not an array'],
      ['state', 7],
    ] as const)(`${api} with %s = %s`, (which, value) => {
      const { opt, params, state, grads } = make();
      const before = snapshot(params, state);
      const args = { params, grads, state, [which]: value } as Record<string, unknown>;
      const e = rejection(() => opt[api](args.params as never, args.grads as never, args.state as never));
      expect(e.param).toBe(which);
      expect(e.message).toMatch(/^Adam_GC2: /);
      expect(snapshot(params, state)).toBe(before);
    });
  }

  it('step options that are not an object are refused', () => {
    const { opt, params, state, grads } = make();
    expect(rejection(() => opt.step(params, grads, state, 0.1 as never)).param).toBe('options');
  });
});

describe('finiteness is judged on the gradient as it will be stored', () => {
  it('a finite float64 gradient that overflows float32 is refused for float32 parameters', () => {
    const opt = SGD_GC({ lr: 0.1, momentum: 0.9 });
    const params: Param[] = [{ value: ndarray(Float32Array.from([1, 2, 3, 4]), [2, 2]), name: 'w' }];
    const state = opt.init(params);
    const grad = Float64Array.from([0.1, 1e39, 0.3, 0.4]);
    let thrown: unknown;
    try {
      opt.stepInPlace(params, [grad], state);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NonFiniteGradientError);
    expect((thrown as Error).message).toMatch(/parameter w holds 1e\+39 at flat index 1 \(Infinity as float32/);
    expect(Array.from(params[0].value.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(state.tensors[0].slots.momentum_buffer)).toEqual([0, 0, 0, 0]);
    expect(state.count).toBe(0);
  });

  it('the same value is fine for float64 parameters, and so is float32 max', () => {
    const opt = SGD({ lr: 1e-40 });
    const wide: Param[] = [{ value: ndarray(Float64Array.from([1, 2]), [2]) }];
    expect(() => opt.step(wide, [Float64Array.from([1e39, 1])], opt.init(wide))).not.toThrow();
    const narrow: Param[] = [{ value: ndarray(Float32Array.from([1, 2]), [2]) }];
    expect(() => opt.step(narrow, [Float64Array.from([3.4028234663852886e38, 1])], opt.init(narrow))).not.toThrow();
    // the largest double that still rounds to float32 max, and the first that rounds to Infinity
    expect(() => opt.step(narrow, [Float64Array.from([3.4028235677973362e38, 1])], opt.init(narrow))).not.toThrow();
    const overflowing = Float64Array.from([3.4028235677973366e38, 1]);
    expect(() => opt.step(narrow, [overflowing], opt.init(narrow))).toThrow(NonFiniteGradientError);
  });
});
