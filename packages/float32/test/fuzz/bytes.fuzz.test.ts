import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../core/test/fuzz/fuzzConfig.js';
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
} from '../../src/index.js';
import { CASES, fingerprint, makeGrads, makeModel, type Case } from '../helpers.js';
import { BYTE_VIEWS, readAs, sameBytes, tempDir, weightsThroughFiles } from './files.js';

const SPECIALS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/**
 * Bytes class: snapshots written with fs and read back with fs.readFileSync, handed over as every
 * kind of byte view, resume bit for bit; a corrupted binary snapshot is always refused with a
 * SnapshotFormatError and changes nothing; a mutated JSON snapshot is refused or loads exactly the
 * values its text says.
 */
const dir = tempDir('bytes-fuzz');
afterAll(() => dir.remove());

const create = (c: Case, model: Float32Param[]): Float32Optimizer =>
  createOptimizer(c.name, { ...c.options, family: c.family, lookahead: c.lookahead, onWarning: () => {} }, model);

/** Gradients of step t; `skip` bits leave some tensors without a gradient (uneven step counts). */
function grads(model: Float32Param[], t: number, seed: number, skip: number) {
  const g: Record<string, Float32Array | null> = makeGrads(model, t, seed);
  model.forEach((p, i) => {
    if ((skip >> ((t * 4 + i) % 30)) & 1) g[p.name] = null;
  });
  return g;
}

describe('fuzz: bytes', () => {
  it('save → real file → fs.readFileSync (any byte view) → load → continue equals an uninterrupted run', () => {
    fuzz(
      'float32 snapshot round trip through files',
      fc.property(
        fc.constantFrom(...CASES),
        fc.nat(4),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('binary', 'json'),
        fc.constantFrom(...BYTE_VIEWS),
        fc.nat(6),
        fc.nat(1000),
        fc.nat(2 ** 30),
        (c, saveAt, more, codec, view, offset, seed, skip) => {
          const straight = makeModel(seed);
          const straightOpt = create(c, straight);
          for (let t = 1; t <= saveAt + more; t++) straightOpt.step(grads(straight, t, seed, skip));

          const first = makeModel(seed);
          const firstOpt = create(c, first);
          for (let t = 1; t <= saveAt; t++) firstOpt.step(grads(first, t, seed, skip));
          const file = dir.file(codec === 'binary' ? 'gcopt' : 'json');
          writeFileSync(file, codec === 'binary' ? encodeSnapshot(firstOpt.state()) : snapshotToJSON(firstOpt.state()));
          const resumed = weightsThroughFiles(first, dir);

          const bytes = readAs(file, view, offset);
          const resumedOpt = create(c, resumed);
          resumedOpt.loadState(codec === 'binary' ? decodeSnapshot(bytes) : snapshotFromJSON(bytes));
          for (let t = saveAt + 1; t <= saveAt + more; t++) resumedOpt.step(grads(resumed, t, seed, skip));

          expect(
            sameBytes(
              resumed.map((p) => p.data),
              straight.map((p) => p.data),
            ),
          ).toBe(true);
          expect(sameBytes([encodeSnapshot(resumedOpt.state())], [encodeSnapshot(straightOpt.state())])).toBe(true);
        },
      ),
    );
  });

  // a few trained optimizers whose snapshots get corrupted
  const sources = CASES.filter((_, i) => i % 5 === 0).map((c) => {
    const model = makeModel(3);
    const opt = create(c, model);
    for (let t = 1; t <= 2; t++) opt.step(makeGrads(model, t));
    return { c, model, opt, bytes: encodeSnapshot(opt.state()) };
  });

  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({
      kind: fc.constant('overwrite' as const),
      at: fc.nat(),
      with: fc.uint8Array({ minLength: 1, maxLength: 12 }),
    }),
  );

  it('any corrupted binary snapshot is a SnapshotFormatError, and loading it changes nothing', () => {
    fuzz(
      'float32 corrupted binary snapshots',
      fc.property(fc.nat(sources.length - 1), damage, fc.constantFrom(...BYTE_VIEWS), fc.nat(6), (i, how, as, k) => {
        const { opt, model, bytes } = sources[i];
        let bad: Uint8Array;
        if (how.kind === 'flip') {
          bad = bytes.slice();
          bad[how.at % bad.length] ^= how.xor;
        } else if (how.kind === 'truncate') {
          bad = bytes.slice(0, how.at % bytes.length);
        } else if (how.kind === 'extend') {
          bad = new Uint8Array(bytes.length + how.extra.length);
          bad.set(bytes);
          bad.set(how.extra, bytes.length);
        } else {
          bad = bytes.slice();
          const at = how.at % bad.length;
          bad.set(how.with.subarray(0, bad.length - at), at);
          fc.pre(bad.some((b, i) => b !== bytes[i])); // an overwrite with the same bytes corrupts nothing
        }
        const file = dir.file('gcopt');
        writeFileSync(file, bad);
        const before = fingerprint(model, opt);
        let thrown: unknown;
        try {
          opt.loadState(decodeSnapshot(readAs(file, as, k)));
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(SnapshotFormatError);
        expect((thrown as Error).message).toMatch(/^invalid optimizer snapshot: /);
        expect(sameBytes(fingerprint(model, opt), before)).toBe(true);
      }),
    );
  });

  // JSON leaf values a hand-edited or corrupted file could hold
  const jsonValue = fc.oneof(
    fc.constantFrom('constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'),
    fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', 'nan', 'inf', ''),
    fc.constantFrom(1e39, -1e39, 3.4028235677973366e38, 3.4028234663852886e38, 1e-46, 5e-324, 0, -1, 1e308),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ maxLength: 4 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  );

  /** Every leaf of a JSON tree, by path. */
  function leaves(x: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    if (x !== null && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) leaves(v, [...path, Array.isArray(x) ? Number(k) : k], out);
    } else out.push(path);
    return out;
  }

  it('a mutated JSON snapshot is refused (nothing changes) or loads exactly what its text says', () => {
    const { c, opt } = sources[1];
    const text = snapshotToJSON(opt.state());
    const all = leaves(JSON.parse(text));
    const values = all.filter((p) => p.includes('values'));
    const structure = all.filter((p) => !p.includes('values'));
    fuzz(
      'float32 mutated JSON snapshots',
      fc.property(fc.oneof(fc.constantFrom(...values), fc.constantFrom(...structure)), jsonValue, (path, value) => {
        const tree = JSON.parse(text);
        let node = tree;
        for (const key of path.slice(0, -1)) node = node[key];
        node[path[path.length - 1]] = value;
        const file = dir.file('json');
        writeFileSync(file, JSON.stringify(tree));
        const targetModel = makeModel(3);
        const target = create(c, targetModel);
        target.loadState(opt.state());
        const before = fingerprint(targetModel, target);
        let thrown: unknown;
        try {
          target.loadState(snapshotFromJSON(readAs(file, 'readFileSync', 0)));
        } catch (e) {
          thrown = e;
        }
        if (thrown !== undefined) {
          if (!(thrown instanceof SnapshotFormatError || thrown instanceof SnapshotMismatchError)) throw thrown;
          expect(sameBytes(fingerprint(targetModel, target), before)).toBe(true);
          return;
        }
        // loaded: every state value is what the file's text says, read independently of the decoder
        const loaded = target.state();
        const written = JSON.parse(readFileSync(file, 'utf8'));
        for (const p of written.params as { name: string; slots: Record<string, { values: unknown[] }> }[]) {
          const mine = loaded.params.find((q) => q.name === p.name)!;
          for (const [slot, { values: vals }] of Object.entries(p.slots)) {
            const expected = Float32Array.from(vals, (v) => {
              // a number that overflows float32, or any string but the four specials, must have been refused
              if (typeof v === 'number' && Number.isFinite(Math.fround(v))) return v;
              if (typeof v === 'string' && Object.hasOwn(SPECIALS, v)) return SPECIALS[v];
              throw new Error(`loaded a snapshot holding ${JSON.stringify(v)} in ${p.name}.${slot}`);
            });
            expect(sameBytes([mine.slots[slot]], [expected])).toBe(true);
          }
        }
      }),
    );
  });
});
