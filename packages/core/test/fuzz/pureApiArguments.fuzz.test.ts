import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { GcoptError, InvalidArgumentError, type OptimizerState, type Param } from '../../src/index.js';
import { optimizerCatalog } from '../optimizerCatalog.js';
import { anyValue, fuzz } from './fuzzConfig.js';

/**
 * Names class, pure API: whatever is passed as params, grads, state or step options, `init`,
 * `step` and `stepInPlace` either work or throw a GcoptError (an InvalidArgumentError names the
 * argument) — never a TypeError from inside — and a refused call changes nothing; the pure `step`
 * never changes its inputs at all.
 */
const catalog = optimizerCatalog();

function setup(which: number) {
  const opt = catalog[which].create({ onWarning: () => {} });
  const params: Param[] = [
    { value: ndarray(Float32Array.from([0.5, -1, 2, 0.25, 1, -0.5]), [2, 3]), name: 'w' },
    { value: ndarray(Float32Array.from([0.1, 0.2]), [2]), name: 'b' },
  ];
  const state = opt.init(params);
  const grads = [Float32Array.from([0.1, 0.2, -0.3, 0.4, 0.5, -0.6]), Float32Array.from([1, -1])];
  opt.stepInPlace(params, grads, state); // a state with non-trivial slots
  return { opt, params, state, grads };
}

const bytes = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer.slice(0)));
const bytesOf = (params: readonly Param[], state: OptimizerState) =>
  JSON.stringify([
    params.map((p) => bytes(p.value.data)),
    state.count,
    state.tensors.map((t) => [t.step, Object.entries(t.slots).map(([k, v]) => [k, bytes(v)])]),
  ]);

/** An argument: the valid one, or something else a caller could hand over by mistake. */
const argument = <T>(valid: T) =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'valid' as const }) },
      { weight: 2, arbitrary: anyValue().map((value) => ({ kind: 'other' as const, value })) },
      { weight: 1, arbitrary: fc.nat(3).map((i) => ({ kind: 'entry' as const, i })) },
    )
    .map((a) => ({ a, valid }));

describe('fuzz: the pure API names bad arguments and changes nothing when it refuses', () => {
  it('init / step / stepInPlace with arbitrary params, grads, state and options', () => {
    fuzz(
      'core pure API arguments',
      fc.property(
        fc.nat(catalog.length - 1),
        fc.constantFrom('step', 'stepInPlace', 'init'),
        argument('params'),
        argument('grads'),
        argument('state'),
        fc.oneof(fc.constant(undefined), fc.constant({ lr: 0.01 }), anyValue()),
        anyValue(),
        (which, api, pa, ga, sa, options, junk) => {
          const { opt, params, state, grads } = setup(which);
          // build each argument: valid, replaced wholesale, or valid with one entry replaced by junk
          const build = <T>(spec: typeof pa, valid: T[] | T): unknown => {
            if (spec.a.kind === 'valid') return valid;
            if (spec.a.kind === 'other') return spec.a.value;
            if (Array.isArray(valid)) {
              const copy = [...valid];
              copy[spec.a.i % copy.length] = junk as T;
              return copy;
            }
            return { ...(valid as object), tensors: [junk, junk] };
          };
          const p = build(pa, params);
          const g = build(ga, grads);
          const s = build(sa, state);
          const before = bytesOf(params, state);
          const gradsBefore = JSON.stringify(grads.map((x) => Array.from(x)));
          let thrown: unknown;
          try {
            if (api === 'init') opt.init(p as never);
            else opt[api](p as never, g as never, s as never, options as never);
          } catch (e) {
            thrown = e;
          }
          if (thrown !== undefined) {
            if (!(thrown instanceof GcoptError)) throw thrown; // a raw TypeError is the bug this looks for
            if (thrown instanceof InvalidArgumentError) {
              expect(thrown.param).toMatch(/^(params|grads|state|options|lr)\b/);
            }
            expect(bytesOf(params, state)).toBe(before);
          } else if (api === 'step') {
            expect(bytesOf(params, state)).toBe(before); // the pure step never writes its inputs
          }
          expect(JSON.stringify(grads.map((x) => Array.from(x)))).toBe(gradsBefore); // gradients are never written
        },
      ),
    );
  });
});
