import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceOptimizers } from '@gcopt/core';
import { fuzz } from '../../../core/test/fuzz/fuzzConfig.js';
import {
  createOptimizer,
  decodeSnapshot,
  encodeSnapshot,
  InvalidArgumentError,
  NonFiniteGradientError,
  snapshotFromJSON,
  snapshotToJSON,
  type Float32Optimizer,
  type Float32Param,
} from '../../src/index.js';
import { CASES, fingerprint, makeGrads, makeModel, type Case } from '../helpers.js';
import { readAs, sameBytes, tempDir } from './files.js';

/**
 * Numbers class: NaN/±Infinity is judged on gradients as they will be stored (float32), so a
 * finite float64 gradient that overflows float32 is refused (or skipped) like Infinity, and any
 * other float64 gradient steps exactly as its float32 cast; a hyper-parameter is either refused
 * at construction, naming it, or the optimizer's snapshot stores it and loads back through files.
 */
const dir = tempDir('numbers-fuzz');
afterAll(() => dir.remove());

const create = (c: Case, model: Float32Param[], nonFinite: 'throw' | 'skip'): Float32Optimizer =>
  createOptimizer(c.name, { ...c.options, family: c.family, lookahead: c.lookahead, nonFinite, onWarning() {} }, model);

/** Gradient values near and past float32's edges, and ordinary ones. */
const EDGES = [
  ...[NaN, Infinity, -Infinity, 1e39, -1e39, 1e300],
  // the first double that rounds to float32 Infinity, the last that rounds to float32 max, float32 max
  ...[3.4028235677973366e38, -3.4028235677973362e38, 3.4028234663852886e38],
  ...[1e-46, 5e-324, -0],
];
const gradientValue = (edges: readonly number[]) =>
  fc.oneof(
    { weight: 30, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  );
/** Half the runs draw only edges float32 can store, so both outcomes are common. */
const storable = EDGES.filter((v) => Number.isFinite(Math.fround(v)));
const gradientOf = (edges: readonly number[], n: number) =>
  fc.tuple(fc.boolean(), fc.array(gradientValue(edges), { minLength: n, maxLength: n }));
const gradientSpec = (lengths: readonly number[]) =>
  fc.constantFrom(EDGES, storable).chain((edges) => fc.tuple(...lengths.map((n) => gradientOf(edges, n))));

/** The oracle: what a float32 array stores for `v` (a cast through a Float32Array, not Math.fround). */
const asStored = (v: number) => new Float32Array([v])[0];

describe('fuzz: numbers', () => {
  it('gradients are judged finite as float32 values; a float64 gradient steps as its float32 cast', () => {
    const model0 = makeModel();
    fuzz(
      'float32 gradient values and precisions',
      fc.property(
        fc.constantFrom(...CASES),
        fc.constantFrom('throw' as const, 'skip' as const),
        gradientSpec(model0.map((p) => p.data.length)),
        (c, policy, spec) => {
          const model = makeModel();
          const opt = create(c, model, policy);
          opt.step(makeGrads(model, 1));
          const twinModel = makeModel();
          const twin = create(c, twinModel, 'throw');
          twin.step(makeGrads(twinModel, 1));

          const grads: Record<string, Float32Array | Float64Array> = {};
          const cast: Record<string, Float32Array> = {};
          let firstBad: { param: string; index: number } | undefined;
          model.forEach((p, i) => {
            const [wide, values] = spec[i];
            grads[p.name] = wide ? Float64Array.from(values) : Float32Array.from(values);
            cast[p.name] = Float32Array.from(grads[p.name]);
            const j = Array.from(grads[p.name]).findIndex((v) => !Number.isFinite(asStored(v)));
            if (j >= 0 && !firstBad) firstBad = { param: p.name, index: j };
          });
          const before = fingerprint(model, opt);
          let thrown: unknown;
          let report: ReturnType<Float32Optimizer['step']> | undefined;
          try {
            report = opt.step(grads);
          } catch (e) {
            thrown = e;
          }
          if (firstBad) {
            if (policy === 'throw') {
              expect(thrown).toBeInstanceOf(NonFiniteGradientError);
              expect((thrown as Error).message).toContain(`'${firstBad.param}' holds `);
              expect((thrown as Error).message).toContain(`at flat index ${firstBad.index}`);
            } else {
              if (thrown) throw thrown;
              expect(report).toMatchObject({ applied: false, step: 1, nonFinite: firstBad });
            }
            // nothing changed: every parameter byte and every state byte (the skip counter aside)
            expect(sameBytes(fingerprint(model, opt).slice(0, -1), before.slice(0, -1))).toBe(true);
            expect(sameBytes([encodeSnapshot({ ...opt.state(), skippedSteps: 0 })], before.slice(-1))).toBe(true);
          } else {
            if (thrown) throw thrown;
            expect(report).toEqual({ applied: true, step: 2 });
            twin.step(cast);
            expect(
              sameBytes(
                model.map((p) => p.data),
                twinModel.map((p) => p.data),
              ),
            ).toBe(true);
            const twinState = encodeSnapshot({ ...twin.state(), skippedSteps: 0 });
            expect(sameBytes([encodeSnapshot(opt.state())], [twinState])).toBe(true);
          }
        },
      ),
    );
  });

  /** The numeric hyper-parameters of every reference optimizer, by name (from its resolved defaults). */
  const numericKeys = (r: (typeof referenceOptimizers)[number]) =>
    Object.entries(r.create({ lr: 0.01 }).hyper)
      .filter(([, v]) => typeof v === 'number' || Array.isArray(v))
      .map(([k]) => k);
  const hyperValue = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, 0.5, 0.9, 1e-8, -1, 1e308, -1e308, 5e-324, 4, 6),
    fc.double(),
    fc.tuple(
      fc.constantFrom(0.9, 0.5, 0, 1, NaN, Infinity, -Infinity, -0.1),
      fc.constantFrom(0.999, 0.99, 1, -Infinity, Infinity, NaN),
    ),
  );

  it('a hyper-parameter is refused at construction, naming it, or its snapshot loads back through files', () => {
    fuzz(
      'float32 hyper-parameter values',
      fc.property(
        fc.constantFrom(...referenceOptimizers),
        fc.boolean(),
        fc.constantFrom('binary', 'json'),
        fc.nat(),
        fc.array(hyperValue, { minLength: 3, maxLength: 3 }),
        (r, inGroup, codec, pick, values) => {
          const keys = numericKeys(r);
          const written: Record<string, unknown> = {};
          values.forEach((v, i) => (written[keys[(pick + i * 7) % keys.length]] = v));
          const base = { lr: 0.01, family: r.family, onWarning: () => {} };
          const options = inGroup
            ? { ...base, groups: [{ params: ['fc.bias'], ...written }] }
            : { ...base, ...written };
          let opt: Float32Optimizer;
          try {
            opt = createOptimizer(r.name, options, makeModel());
          } catch (e) {
            if (!(e instanceof InvalidArgumentError)) throw e;
            // named as written, with the value as written
            const key = inGroup ? e.param.replace(/^groups\[0\]\./, '') : e.param;
            expect(inGroup ? e.param.startsWith('groups[0].') : true).toBe(true);
            expect(Object.keys(written)).toContain(key);
            expect(Object.is(e.value, written[key])).toBe(true);
            for (const x of [written[key]].flat()) {
              if (typeof x === 'number' && !Number.isFinite(x)) expect(e.message).toContain(String(x));
            }
            return;
          }
          // accepted: the state stores every hyper-parameter and loads into a twin with the same options
          const model = makeModel();
          const twin = createOptimizer(r.name, options, model);
          const file = dir.file(codec);
          writeFileSync(file, codec === 'binary' ? encodeSnapshot(opt.state()) : snapshotToJSON(opt.state()));
          const bytes = readAs(file, 'readFileSync', 0);
          twin.loadState(codec === 'binary' ? decodeSnapshot(bytes) : snapshotFromJSON(bytes));
          expect(twin.state().groups).toEqual(opt.state().groups);
        },
      ),
    );
  });
});
