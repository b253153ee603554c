import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createOptimizer,
  decodeSnapshot,
  encodeSnapshot,
  InvalidArgumentError,
  NonFiniteGradientError,
  snapshotFromJSON,
  snapshotToJSON,
  SnapshotFormatError,
  type OptimizerSnapshot,
} from '../src/index.js';
import { fingerprint, makeGrads, makeModel, paramBytes } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gcopt-float32-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

/** The options the version-1 fixture was made with (by the core backend: bit for bit resumes need the same). */
const FIXTURE_OPTIONS = {
  lr: 1e-2,
  weightDecay: 1e-3,
  groups: [{ params: ['fc.bias'], weightDecay: 0 }],
  backend: 'core' as const,
};

function trained() {
  const model = makeModel();
  const opt = createOptimizer('Adam_GC2', FIXTURE_OPTIONS, model);
  opt.step(makeGrads(model, 1));
  opt.step(makeGrads(model, 2));
  return { model, opt };
}

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('the decoders take any Uint8Array view: what fs and Buffer hand out', () => {
  const sameState = (a: OptimizerSnapshot, b: OptimizerSnapshot) =>
    expect(encodeSnapshot(a)).toEqual(encodeSnapshot(b));

  it('decodeSnapshot(fs.readFileSync(file)): a Buffer that views a larger pooled ArrayBuffer', () => {
    const { opt } = trained();
    const file = join(dir, 'state.gcopt');
    writeFileSync(file, encodeSnapshot(opt.state()));
    sameState(decodeSnapshot(readFileSync(file)), opt.state());
  });

  it('Buffer.from, small pooled Buffers and subarrays at odd offsets', () => {
    const { opt } = trained();
    const bytes = encodeSnapshot(opt.state());
    sameState(decodeSnapshot(Buffer.from(bytes)), opt.state());
    const pooled = Buffer.from(Array.from(bytes)); // < 4 KiB: a slice of Node's shared 8 KiB pool
    expect(pooled.byteOffset !== 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
    sameState(decodeSnapshot(pooled), opt.state());
    for (const offset of [1, 3, 7]) {
      const big = new Uint8Array(bytes.length + offset + 5).fill(0xee);
      big.set(bytes, offset);
      sameState(decodeSnapshot(big.subarray(offset, offset + bytes.length)), opt.state());
      sameState(decodeSnapshot(Buffer.from(big.buffer, offset, bytes.length)), opt.state());
    }
  });

  it('snapshotFromJSON reads the bytes of a JSON file too', () => {
    const { opt } = trained();
    const file = join(dir, 'state.json');
    writeFileSync(file, snapshotToJSON(opt.state()));
    sameState(snapshotFromJSON(readFileSync(file)), opt.state());
    const bytes = new TextEncoder().encode(snapshotToJSON(opt.state()));
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    sameState(snapshotFromJSON(big.subarray(3)), opt.state());
    expect(() => snapshotFromJSON(Uint8Array.from([0xff, 0xfe]))).toThrow(/not valid UTF-8/);
  });
});

describe('the binary snapshot is checksummed (container version 2); version 1 still loads', () => {
  it('flipping a byte of the data section is refused, naming the state array', () => {
    const { model, opt } = trained();
    const bytes = encodeSnapshot(opt.state());
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 3] ^= 0x10;
    const e = thrownBy(() => opt.loadState(decodeSnapshot(corrupt)));
    expect(e).toBeInstanceOf(SnapshotFormatError);
    expect(e.message).toMatch(/params\[3\]\.slots\.exp_avg_sq: checksum mismatch/);
    expect(fingerprint(model, opt)).toEqual(fingerprint(model, trained().opt));
  });

  it('flipping a byte of the header is refused', () => {
    const { opt } = trained();
    const bytes = encodeSnapshot(opt.state());
    const corrupt = bytes.slice();
    const at = new TextDecoder().decode(bytes).indexOf('"count":2') + 8;
    corrupt[at] = '3'.charCodeAt(0); // still valid JSON, and a plausible count
    expect(() => decodeSnapshot(corrupt)).toThrow(/header: checksum mismatch/);
  });

  it('a version-1 file written by the previous release loads and resumes like its JSON twin', () => {
    const v1 = readFileSync(fixture('adamGc2-v1.gcopt'));
    expect(v1.readUInt32LE(8)).toBe(1);
    const fromBinary = decodeSnapshot(v1);
    const fromJson = snapshotFromJSON(readFileSync(fixture('adamGc2-v1.json'), 'utf8'));
    expect(encodeSnapshot(fromBinary)).toEqual(encodeSnapshot(fromJson));
    const { model, opt } = trained();
    const resumed = makeModel();
    // the fixture was made by trained(): the same model, options and two steps
    const resumedOpt = createOptimizer('Adam_GC2', FIXTURE_OPTIONS, resumed);
    resumedOpt.loadState(fromBinary);
    resumed.forEach((p, i) => p.data.set(model[i].data));
    opt.step(makeGrads(model, 3));
    resumedOpt.step(makeGrads(resumed, 3));
    expect(paramBytes(resumed)).toEqual(paramBytes(model));
  });
});

describe('JSON special values are looked up as own keys only', () => {
  const words = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'];
  it.each(words)('"%s" is refused, not loaded as NaN', (word) => {
    const { model, opt } = trained();
    const before = fingerprint(model, opt);
    const text = snapshotToJSON(opt.state()).replace(/("exp_avg":\{"dtype":"float32","values":\[)[^,]+/, `$1"${word}"`);
    expect(text).toContain(`"${word}"`);
    const e = thrownBy(() => opt.loadState(snapshotFromJSON(text)));
    expect(e).toBeInstanceOf(SnapshotFormatError);
    expect(e.message).toMatch(/params\[0\]\.slots\.exp_avg\.values\[0\]: /);
    expect(e.message).toMatch(/expected a number or one of NaN, Infinity, -Infinity, -0/);
    expect(fingerprint(model, opt)).toEqual(before);
  });

  it('a finite number a float32 state array cannot hold is refused', () => {
    const { opt } = trained();
    const text = snapshotToJSON(opt.state()).replace(/("exp_avg":\{"dtype":"float32","values":\[)[^,]+/, '$11e39');
    expect(() => snapshotFromJSON(text)).toThrow(/params\[0\]\.slots\.exp_avg\.values\[0\]: 1e\+39 overflows float32/);
  });
});

describe('finiteness is judged on gradients as they will be stored (float32)', () => {
  const title = "a finite float64 gradient of 1e39 does not turn the weights into NaN (nonFinite: '%s')";
  it.each(['throw', 'skip'] as const)(title, (policy) => {
    const model = makeModel();
    const opt = createOptimizer('Adam_GC2', { lr: 1e-2, nonFinite: policy }, model);
    opt.step(makeGrads(model, 1));
    const before = fingerprint(model, opt);
    const grads: Record<string, Float32Array | Float64Array> = makeGrads(model, 2);
    grads['fc.weight'] = Float64Array.from(grads['fc.weight'], (v, i) => (i === 4 ? 1e39 : v));
    if (policy === 'throw') {
      expect(() => opt.step(grads)).toThrow(NonFiniteGradientError);
      expect(() => opt.step(grads)).toThrow(/'fc.weight' holds 1e\+39 at flat index 4 \(Infinity as float32/);
    } else {
      const report = opt.step(grads);
      expect(report).toMatchObject({ applied: false, nonFinite: { param: 'fc.weight', index: 4, value: 1e39 } });
    }
    expect(fingerprint(model, opt).slice(0, 4)).toEqual(before.slice(0, 4));
    for (const p of model) expect(p.data.every(Number.isFinite)).toBe(true);
  });
});

describe('options are checked where the user wrote them', () => {
  const model = () => makeModel();
  const rejected = (options: Record<string, unknown>) => {
    const e = thrownBy(() => createOptimizer('SGD', { lr: 0.1, ...options }, model()));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  };

  it("a group's gc must be a boolean: the string 'false' does not leave GC on", () => {
    const e = rejected({ useGc: true, groups: [{ params: ['fc.weight'], gc: 'false' }] });
    expect(e.param).toBe('groups[0].gc');
    expect(e.message).toMatch(/groups\[0\]\.gc = "false" rejected: gc must be true or false/);
    expect(rejected({ groups: [{ params: ['fc.weight'], outAxis: '1' }] }).param).toBe('groups[0].outAxis');
    // a group's outAxis that does not fit a member: named where written, and which member
    const axis = rejected({ groups: [{ params: ['fc.bias'], outAxis: 1 }] });
    expect(axis.message).toMatch(/^parameter 'fc.bias' \[5\]: groups\[0\]\.outAxis = 1 rejected: /);
    expect(axis.message).toMatch(/outAxis must lie in \[-1, 0\]/);
  });

  it('Lookahead settings refuse unknown names and are named lookahead.*', () => {
    const e = rejected({ lookahead: { k: 2, alpah: 0.5 } });
    expect(e.param).toBe('lookahead.alpah');
    expect(e.message).toMatch(/unknown option of Lookahead\(SGD\).*did you mean alpha\?/);
    expect(rejected({ lookahead: { k: 0 } }).param).toBe('lookahead.k');
    expect(rejected({ lookahead: true }).param).toBe('lookahead');
  });

  it("a group's bad hyper-parameter is named with its group", () => {
    const e = rejected({ groups: [{ params: ['fc.bias'], momentum: Infinity }] });
    expect(e.param).toBe('groups[0].momentum');
    expect(e.message).toMatch(/SGD: groups\[0\]\.momentum = Infinity rejected: momentum must be a finite number/);
    expect(rejected({ groups: [{ params: ['fc.bias'], learningRate: 1 }] }).param).toBe('groups[0].learningRate');
    expect(rejected({ weightDecay: -Infinity }).param).toBe('weightDecay');
  });

  it('onWarning and nonFinite are checked, NaN printed as NaN', () => {
    expect(rejected({ onWarning: 'console' }).param).toBe('onWarning');
    expect(rejected({ momentum: NaN }).message).toMatch(/momentum = NaN rejected/);
    expect(rejected({ groups: [{ params: ['fc.bias'], betas: [NaN, 1] }] }).message).toMatch(/unknown option/);
  });
});
