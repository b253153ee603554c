// Fuzzing constructor options: any mix of known and unknown names and of values of any type is
// either accepted (every name known, every value of its documented type) or refused with an
// InvalidArgumentError naming the offending option. The documented types are restated here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@gcopt/core';
import { Adam_GC2, Lookahead } from '../src/index.js';

const SEED = 11302026;
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, name: 'fuzzopts' })] });

const VALUES = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    true,
    false,
    0,
    1,
    -1,
    0.5,
    Number.NaN,
    Infinity,
    'auto',
    'host',
    'x',
    [],
    {},
    () => 0,
    model,
    /a/,
  ),
  fc.double(),
  fc.string({ maxLength: 3 }),
);

/**
 * Whether a value is valid for an adapter option, per the README; `undefined` where the rule is the
 * core's and not restated here (an infinite learning rate), so the run is skipped.
 */
function valid(key: string, v: unknown): boolean | undefined {
  // an unknown name is refused whatever its value, undefined included
  if (v === undefined)
    return [
      'learningRate',
      'layerDefaults',
      'checkFinite',
      'amsgrad',
      'backend',
      'onWarning',
      'model',
      'variables',
    ].includes(key);
  switch (key) {
    case 'learningRate':
      if (v === Infinity) return undefined;
      return (typeof v === 'number' && v >= 0) || typeof v === 'function';
    case 'layerDefaults':
    case 'checkFinite':
    case 'amsgrad':
      return typeof v === 'boolean';
    case 'backend':
      return v === 'auto' || v === 'host' || v === 'tensor';
    case 'onWarning':
      return typeof v === 'function';
    case 'model':
      return v === model;
    case 'variables':
      return Array.isArray(v) && v.length === 0;
    default:
      return false;
  }
}

describe(`options fuzz (fast-check seed ${SEED}, 1,000 runs each)`, () => {
  it('Adam_GC2: accepted iff every option is known and well typed, else refused naming a bad one', () => {
    console.log(`fuzzOptions: fast-check seed ${SEED}`);
    const keys = [
      'learningRate',
      'layerDefaults',
      'checkFinite',
      'amsgrad',
      'backend',
      'onWarning',
      'model',
      'variables',
      'learningrate',
      'momentum',
      'lr_',
      'optimizer',
    ];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), VALUES, { maxKeys: 4 }), (options) => {
        fc.pre(Object.entries(options).every(([k, v]) => valid(k, v) !== undefined));
        const bad = Object.entries(options)
          .filter(([k, v]) => !valid(k, v))
          .map(([k]) => k);
        if (bad.length === 0) {
          expect(new Adam_GC2(options as never)).toBeInstanceOf(Adam_GC2);
          return;
        }
        let error: unknown;
        try {
          new Adam_GC2(options as never);
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(Object.keys(options))).toBeInstanceOf(InvalidArgumentError);
        // learningRate is named as written; which bad option is reported first is not specified
        expect(bad.map((k) => (k === 'learningRate' ? 'learningRate' : k))).toContain(
          (error as InvalidArgumentError).param,
        );
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('Lookahead: unknown names and wrong types are refused naming the option', () => {
    // k and alpha are the core's to check; here the adapter's options and unknown names
    const keys = [
      'checkFinite',
      'backend',
      'onWarning',
      'layerDefaults',
      'model',
      'learningRate',
      'lr',
      'alpah',
      'inner',
    ];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), VALUES, { maxKeys: 3 }), (options) => {
        // Lookahead takes no learning rate (its inner optimizer's is used)
        const ok = (k: string, v: unknown) =>
          ['checkFinite', 'backend', 'onWarning', 'layerDefaults', 'model'].includes(k) && valid(k, v) === true;
        const bad = Object.entries(options)
          .filter(([k, v]) => !ok(k, v))
          .map(([k]) => k);
        const make = () => new Lookahead({ optimizer: new Adam_GC2(), ...options } as never);
        if (bad.length === 0) {
          expect(make()).toBeInstanceOf(Lookahead);
          return;
        }
        let error: unknown;
        try {
          make();
        } catch (e) {
          error = e;
        }
        expect(
          error,
          JSON.stringify(options, (_, v) => (typeof v === 'function' ? 'fn' : v)),
        ).toBeInstanceOf(InvalidArgumentError);
        expect(bad).toContain((error as InvalidArgumentError).param);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
