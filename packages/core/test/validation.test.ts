import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  Adam_GC2,
  AdamW,
  createOptimizer,
  AdamW_FirstRelease,
  InvalidArgumentError,
  Lookahead,
  PlainRAdam,
  RAdam,
  Ranger,
  SGD,
  SGD_GC,
  type GcoptWarning,
} from '../src/index.js';

function rejection(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('construction', () => {
  it('names the parameter, the value and the reference message', () => {
    const e = rejection(() => Adam_GC2({ betas: [0.9, 1] }));
    expect(e.param).toBe('betas');
    expect(e.referenceMessage).toBe('Invalid beta parameter at index 1: 1.0');
    expect(e.message).toMatch(/^Adam_GC2: betas = \[0.9,1\] rejected/);
    expect(rejection(() => SGD_GC({} as never)).param).toBe('lr');
  });

  it('rejects unknown options instead of silently using a default', () => {
    expect(rejection(() => SGD_GC({ lr: 0.1, weight_decay: 0.1 } as never)).param).toBe('weight_decay');
    expect(rejection(() => Adam({ useGC: true } as never)).message).toMatch(/useGc/);
  });

  it('raises at construction where the reference would crash inside step()', () => {
    expect(rejection(() => RAdam({ degeneratedToSgd: false })).param).toBe('degeneratedToSgd');
    expect(rejection(() => PlainRAdam({ degeneratedToSgd: false })).param).toBe('degeneratedToSgd');
    expect(rejection(() => Ranger({ nSmaThreshold: 3.5 })).param).toBe('nSmaThreshold');
    expect(() => Ranger({ nSmaThreshold: 4 })).not.toThrow();
  });

  it('rejects non-numbers and NaN the reference would let through', () => {
    expect(rejection(() => SGD({ lr: NaN })).param).toBe('lr');
    expect(rejection(() => SGD({ lr: 0.1, dampening: 'x' as never })).param).toBe('dampening');
    expect(rejection(() => Adam({ amsgrad: 1 as never })).param).toBe('amsgrad');
    expect(rejection(() => Ranger({ k: 2.5 })).param).toBe('k');
    expect(rejection(() => Lookahead(SGD({ lr: 1 }), { k: 0 })).param).toBe('k');
  });

  it('keeps the reference defaults, including the two AdamW families', () => {
    expect(AdamW().hyper).toMatchObject({ weightDecay: 1e-2, gcLoc: true, useGc: false, lr: 1e-3, eps: 1e-8 });
    expect(AdamW_FirstRelease().hyper).toMatchObject({ weightDecay: 0, lr: 1e-3 });
    expect(Adam().hyper).toMatchObject({ gcLoc: false, weightDecay: 0, betas: [0.9, 0.999] });
    expect(Ranger().hyper).toMatchObject({
      lr: 1e-3,
      alpha: 0.5,
      k: 6,
      nSmaThreshold: 5,
      betas: [0.95, 0.999],
      eps: 1e-5,
    });
    expect(createOptimizer('AdamW').name).toBe('AdamW');
    expect(createOptimizer('AdamW', {}, 'first_release').hyper).toMatchObject({ weightDecay: 0 });
    expect(rejection(() => createOptimizer('Adamm')).param).toBe('name');
  });
});

describe('the fan-in-1 warning', () => {
  it('is raised once per tensor at init, through onWarning, only when GC applies to it', () => {
    const warnings: GcoptWarning[] = [];
    const params = [
      { value: ndarray(new Float32Array(3), [3, 1]), name: 'col' },
      { value: ndarray(new Float32Array(3), [3]), name: 'bias' },
      { value: ndarray(new Float32Array(6), [1, 6]), outAxis: -1, name: 'tfjsDense1' },
      { value: ndarray(new Float32Array(3), [3, 1]), name: 'excluded', gc: false },
    ];
    const opt = SGD_GC({ lr: 0.1, onWarning: (w) => warnings.push(w) });
    const state = opt.init(params);
    for (let t = 0; t < 3; t++)
      opt.stepInPlace(
        params,
        params.map((p) => new Float32Array(p.value.size).fill(1)),
        state,
      );
    expect(warnings.map((w) => w.paramName)).toEqual(['col', 'tfjsDense1']);
    expect(Array.from(params[0].value.data)).toEqual([0, 0, 0]); // never moved
    expect(Array.from(params[3].value.data)).toEqual([-0.3, -0.3, -0.3].map(Math.fround)); // excluded: plain SGD
    // the advanced SGD without GC has nothing to warn about
    SGD({ lr: 0.1, onWarning: (w) => warnings.push(w) }).init(params);
    expect(warnings.length).toBe(2);
  });
});

describe('reference messages', () => {
  it('compare numbers by value, since JSON loses int/float', async () => {
    const { sameMessage } = await import('../src/reference/replay.js');
    expect(sameMessage('Invalid learning rate: -1.0', 'Invalid learning rate: -1')).toBe(true);
    expect(sameMessage('Invalid epsilon value: -1e-08', 'Invalid epsilon value: -1e-8')).toBe(true);
    expect(sameMessage('Invalid learning rate: -1.0', 'Invalid learning rate: -1.5')).toBe(false);
    expect(sameMessage('Invalid learning rate: -1.0', 'Invalid momentum value: -1.0')).toBe(false);
  });
});
