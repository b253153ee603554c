// Fuzzing names. (1) Saved state through real files: variables saved under one set of tfjs-layers
// `_N` suffixes and loaded under another resume exactly (300 runs, not 1,000: each run makes three
// optimizers, steps them and writes a file, about 35 ms here). (2) Rules by name and pattern mean the same
// after getConfig → JSON → tfjs-layers' own config conversion (which camel-cases strings) → a new
// optimizer. An independent statement of the name-rule semantics is the oracle.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
// tfjs-layers' conversion of a loaded training config (the environment, not code under test)
import { convertPythonicToTs } from '@tensorflow/tfjs-layers/dist/utils/serialization_utils.js';
import { Adam_GC2, type GcOptimizer, Lookahead, SGD_GC } from '../src/index.js';
import { resolveLayout, serializeRule, validateRules, type VariableRule } from '../src/variableRules.js';
import { randomArray, seeded, useBackend } from './backends.js';

const SEED = 301130;

const MAKERS: (() => GcOptimizer)[] = [
  () => new Adam_GC2({ learningRate: 0.02 }),
  () => new SGD_GC({ lr: 0.05, momentum: 0.9 }),
  () => new Lookahead({ optimizer: new Adam_GC2({ learningRate: 0.02 }), k: 2 }),
];

describe(`name fuzz (fast-check seed ${SEED})`, () => {
  it('state saved under some _N suffixes, loaded under others, through a file: bit-exact (300 runs)', async () => {
    console.log(`fuzzNames: fast-check seed ${SEED}`);
    await useBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-tfjs-fuzz-'));
    const suffix = fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined });
    const input = fc.record({
      optimizer: fc.nat(MAKERS.length - 1),
      variables: fc.array(fc.record({ saved: suffix, loaded: suffix, rows: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      before: fc.integer({ min: 1, max: 3 }),
      after: fc.integer({ min: 1, max: 3 }),
      seed: fc.nat(1000),
    });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(input, async (o) => {
          run++;
          const named = (s: number | undefined, i: number) => `fz${run}v${i}/kernel${s === undefined ? '' : `_${s}`}`;
          const initial = o.variables.map((v, i) => randomArray(v.rows * 2, seeded(o.seed + i)));
          const targets = o.variables.map((v, i) =>
            tf.tensor(randomArray(v.rows * 2, seeded(o.seed + 100 + i)), [v.rows, 2]),
          );
          const make = (names: string[], values: Float32Array[]) =>
            names.map((n, i) => tf.variable(tf.tensor(values[i], [o.variables[i].rows, 2]), true, n));
          const loss = (vars: tf.Variable[]) => () =>
            tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, targets[i]))))) as tf.Scalar;
          const made: tf.Variable[] = [];
          const optimizers: GcOptimizer[] = [];
          try {
            // uninterrupted
            const straightVars = make(
              o.variables.map((v, i) => named(v.saved, i)),
              initial,
            );
            const straight = MAKERS[o.optimizer]();
            optimizers.push(straight);
            for (let s = 0; s < o.before + o.after; s++) straight.minimize(loss(straightVars));
            const expected = straightVars.map((v) => Array.from(v.dataSync()));
            straightVars.forEach((v) => v.dispose());

            // saved after `before` steps, to a file as tfjs-layers writes optimizer weights
            const savedVars = make(
              o.variables.map((v, i) => named(v.saved, i)),
              initial,
            );
            made.push(...savedVars);
            const first = MAKERS[o.optimizer]();
            optimizers.push(first);
            for (let s = 0; s < o.before; s++) first.minimize(loss(savedVars));
            const { data, specs } = await tf.io.encodeWeights(await first.getWeights());
            const values = savedVars.map((v) => Float32Array.from(v.dataSync()));
            writeFileSync(join(dir, 'opt.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
            savedVars.forEach((v) => v.dispose());

            // loaded under other names, from the file read with fs
            const bytes = readFileSync(join(dir, 'opt.bin'));
            const decoded = tf.io.decodeWeights(
              bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
              specs,
            );
            const loadedVars = make(
              o.variables.map((v, i) => named(v.loaded, i)),
              values,
            );
            made.push(...loadedVars);
            const resumed = MAKERS[o.optimizer]();
            optimizers.push(resumed);
            await resumed.setWeights(Object.entries(decoded).map(([name, tensor]) => ({ name, tensor })));
            tf.dispose(Object.values(decoded));
            for (let s = 0; s < o.after; s++) resumed.minimize(loss(loadedVars));
            expect(loadedVars.map((v) => Array.from(v.dataSync()))).toEqual(expected);
          } finally {
            for (const v of made) if (!v.isDisposed) v.dispose();
            for (const opt of optimizers) opt.dispose();
            tf.dispose(targets);
          }
        }),
        { seed: SEED, numRuns: 300 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('name and pattern rules decide the same before and after the config round trip (1,000 runs)', () => {
    const part = fc.stringMatching(/^[a-z_0-9.]{1,8}$/);
    const name = fc
      .tuple(
        part,
        fc.constantFrom('kernel', 'bias', 'w_1', 'depthwise_kernel'),
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
      )
      .map(([layer, weight, n]) => `${layer}/${weight}${n === undefined ? '' : `_${n}`}`);
    const rule: fc.Arbitrary<VariableRule> = fc.oneof(
      fc.record({ name, outAxis: fc.integer({ min: -2, max: 1 }) }),
      fc.record({ name, gc: fc.boolean() }),
      fc.record({ pattern: fc.constantFrom(/kernel$/, /^[a-z]+_\d/, /_1\/bias/, /\./), gc: fc.boolean() }),
    );
    // the documented meaning of a name rule, stated independently: the name, or it plus `_<digits>`
    const nameRuleMatches = (ruleName: string, variable: string) =>
      variable === ruleName ||
      (variable.length > ruleName.length + 1 &&
        variable.slice(0, ruleName.length + 1) === `${ruleName}_` &&
        [...variable.slice(ruleName.length + 1)].every((c) => c >= '0' && c <= '9'));
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 4 }),
        fc.array(name, { minLength: 1, maxLength: 6 }),
        (rules, variables) => {
          const optimizer = new SGD_GC({ lr: 0.1, variables: rules, layerDefaults: false });
          const saved = convertPythonicToTs(JSON.parse(JSON.stringify(optimizer.getConfig()))) as Record<
            string,
            unknown
          >;
          const restored = new SGD_GC(saved as never);
          const afterRoundTrip = validateRules(rules.map(serializeRule));
          for (const variable of variables) {
            const before = optimizer.layoutOf(variable, [2, 2]);
            expect(restored.layoutOf(variable, [2, 2])).toEqual(before);
            expect(resolveLayout(afterRoundTrip, variable, [2, 2])).toEqual(before);
            let outAxis = -1;
            let gc = true;
            for (const r of rules) {
              const hit =
                r.name !== undefined ? nameRuleMatches(r.name, variable) : (r.pattern as RegExp).test(variable);
              if (!hit) continue;
              if (r.outAxis !== undefined) outAxis = r.outAxis;
              if (r.gc !== undefined) gc = r.gc;
            }
            expect(before).toEqual({ outAxis, gc });
          }
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
