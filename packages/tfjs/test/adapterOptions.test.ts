// tfjs constructors refuse unknown option names and values of the wrong type, naming the option as
// the user wrote it (learningRate, not the core's lr).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@gcopt/core';
import { Adam_GC2, Lookahead, optimizerByName, SGD_GC } from '../src/index.js';

describe('tfjs optimizer options', () => {
  it('refuses unknown names', () => {
    expect(() => new Adam_GC2({ learningRate: 0.1, fooBar: 1 } as never)).toThrow(/fooBar/);
    expect(() => new Lookahead({ optimizer: new Adam_GC2(), k: 3, alpah: 0.5 } as never)).toThrow(
      /Lookahead: alpah = 0.5 rejected: unknown option/,
    );
    expect(() => optimizerByName('Adam_GC2', { learningrate: 0.1 })).toThrow(/learningrate/);
  });

  it('checks types, naming the option as written', () => {
    expect(() => new Adam_GC2({ learningRate: 'fast' } as never)).toThrow(/learningRate = "fast" rejected/);
    expect(() => new Adam_GC2({ learningRate: Number.NaN })).toThrow(/learningRate = (NaN|null) rejected/);
    expect(() => new Adam_GC2({ backend: 5 } as never)).toThrow(/backend = 5 rejected/);
    expect(() => new Adam_GC2({ onWarning: 'log' } as never)).toThrow(/onWarning = "log" rejected: must be a function/);
    expect(() => new Adam_GC2({ learningRateSchedule: 'yes' } as never)).toThrow(
      /learningRateSchedule = "yes" rejected/,
    );
    expect(() => new Adam_GC2({ model: {} } as never)).toThrow(/model = .* rejected: must be a tfjs-layers model/);
    expect(() => new Lookahead({ optimizer: new Adam_GC2(), k: 3, checkFinite: 'no' } as never)).toThrow(
      /checkFinite = "no" rejected/,
    );
    expect(() => new Lookahead({ optimizer: 'Adam_GC2' } as never)).toThrow(InvalidArgumentError);
    expect(() => new SGD_GC(null as never)).toThrow(/options = null rejected/);
  });

  it('a model given as `model` is accepted', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
    expect(() => new Adam_GC2({ model })).not.toThrow();
  });
});
