import { describe, expect, it } from 'vitest';
import { benchData } from '../src/data.js';
import { tfjsLayout, type ParamSet } from '../src/paramSets.js';
import { FLOOR_TASK_LEN, SQRT_DIV_EPS, StreamFloor } from '../src/streamFloor.js';

describe('the stream floor', () => {
  it('streams every element with the pattern it names, on one thread and on the pool', async () => {
    const llc = 1 << 20;
    const floor = await StreamFloor.create(1000, llc);
    // at least 4× the cache across the 3 arrays of the smaller pattern, whole tasks
    expect(floor.elements * 4 * 3).toBeGreaterThanOrEqual(4 * llc);
    expect(floor.elements % FLOOR_TASK_LEN).toBe(0);
    const expectAll = (k: number, value: number) => {
      const a = floor.array(k);
      const wrong = a.findIndex((x) => x !== value);
      expect(wrong, `array ${k}: element ${wrong} is ${a[wrong]}, not ${value}`).toBe(-1);
    };
    const r = floor.measure('sgdMomentum', 2, 1); // 3 passes: s = s/2 + g, p −= 0.001 g; the 4th array untouched
    expect(r.elements).toBe(floor.elements);
    expect(r.bestMs).toBeGreaterThan(0);
    expect(r.medianGbPerS).toBeCloseTo((20 * r.elements) / (r.medianMs * 1e6), 6);
    let s = Math.fround(0.25);
    let p = Math.fround(0.25);
    for (let i = 0; i < 3; i++) {
      s = Math.fround(Math.fround(s * 0.5) + 0.25);
      p = Math.fround(p + Math.fround(0.25 * Math.fround(-0.001)));
    }
    expectAll(0, p);
    expectAll(1, 0.25);
    expectAll(2, s);
    expectAll(3, 0.25);
    floor.measure('adam', 1, 1); // 3 more passes, now of both state arrays
    let b = Math.fround(0.25);
    for (let i = 0; i < 3; i++) {
      s = Math.fround(Math.fround(s * 0.5) + 0.25);
      b = Math.fround(Math.fround(b * 0.5) + 0.25);
      p = Math.fround(p + Math.fround(0.25 * Math.fround(-0.001)));
    }
    expectAll(0, p);
    expectAll(2, s);
    expectAll(3, b);
    floor.close();
  });

  it('keeps one pool per thread count: a second pattern, or paired passes, on the same threads reuse it', async () => {
    const floor = await StreamFloor.create(1000, 1 << 20);
    try {
      floor.measure('sgdMomentum', 2, 1);
      // a second pool on the first one's control block would run every pass on the host thread alone
      expect(() => floor.measure('adam', 2, 1)).not.toThrow();
      expect(floor.session('adam', 3).pass()).toBeGreaterThan(0);
      // two sessions of different patterns, interleaved: each pass streams its own pattern
      const sgd = floor.session('sgdMomentum', 2);
      const adam = floor.session('adam', 2);
      const b = floor.array(3)[0];
      sgd.pass(); // leaves the 4th array alone
      expect(floor.array(3)[0]).toBe(b);
      adam.pass();
      expect(floor.array(3)[0]).not.toBe(b);
    } finally {
      floor.close();
    }
  });

  it('reads every gradient element in the read pattern and writes nothing', async () => {
    const floor = await StreamFloor.create(1000, 1 << 20);
    try {
      const L = FLOOR_TASK_LEN;
      const tasks = floor.elements / L;
      const g = new Int32Array(floor.array(1).buffer, floor.array(1).byteOffset, floor.elements);
      g.fill(0);
      const expected = new Int32Array(tasks);
      for (let j = 0; j < tasks; j++) {
        // bit patterns at the task's first and last element and one place between (a different one each task)
        const marks: [number, number][] = [
          [0, 1 << (j % 7)],
          [L - 1, 1 << (8 + (j % 7))],
          [(j * 7919) % L, 1 << (16 + (j % 7))],
        ];
        for (const [at, bits] of marks) {
          g[j * L + at] |= bits;
          expected[j] |= bits;
        }
      }
      const before = [0, 2, 3].map((k) => floor.array(k).slice());
      const r = floor.measure('gradientRead', 2, 1);
      expect(r.medianGbPerS).toBeCloseTo((4 * r.elements) / (r.medianMs * 1e6), 6);
      expect([...floor.readBits()]).toEqual([...expected]);
      [0, 2, 3].forEach((k, i) => expect(floor.array(k)).toEqual(before[i]));
    } finally {
      floor.close();
    }
  });

  it('the sqrtDiv pass computes m / (sqrt(v) + eps) on every task and writes nothing', async () => {
    const floor = await StreamFloor.create(1000, 1 << 20);
    try {
      // the block every task reads: m = 0.5 and v = 0.0625 throughout, but for one element of each
      const m = floor.array(2);
      const v = floor.array(3);
      m.fill(0.5, 0, 4096);
      v.fill(0.0625, 0, 4096);
      m[1234] = 3;
      v[4095] = 4;
      const before = [0, 1, 2, 3].map((k) => floor.array(k).slice());
      const quotient = (mi: number, vi: number) =>
        Math.fround(mi / Math.fround(Math.fround(Math.sqrt(vi)) + SQRT_DIV_EPS));
      const bits = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
      const expected = bits(quotient(0.5, 0.0625)) | bits(quotient(3, 0.0625)) | bits(quotient(0.5, 4));
      floor.session('sqrtDiv', 2).pass();
      expect([...new Set(floor.readBits())]).toEqual([expected]);
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      [0, 1, 2, 3].forEach((k, i) => expect(bytes(floor.array(k)).equals(bytes(before[i])), `array ${k}`).toBe(true));
    } finally {
      floor.close();
    }
  });

  it('refuses arrays past WebAssembly’s 4 GiB up front', async () => {
    await expect(StreamFloor.create(300e6, 1 << 20)).rejects.toThrow(/past WebAssembly's 4 GiB/);
  });
});

describe('the tfjs-layout set', () => {
  it('holds the PyTorch set’s data transposed: the same channels', () => {
    const set: ParamSet = { name: 'x', shapes: [[3, 2, 2, 5], [4, 7], [3]], size: 60 + 28 + 3 };
    const tf = tfjsLayout(set);
    expect(tf.shapes).toEqual([[2, 5, 2, 3], [7, 4], [3]]);
    expect(tf.outAxes).toEqual([3, 1, 0]);
    const a = benchData(set);
    const b = benchData(tf);
    // channel o of the conv kernel: element [o, c, y, x] ↔ [y, x, c, o]
    for (let o = 0; o < 3; o++) {
      for (let c = 0; c < 2; c++) {
        for (let y = 0; y < 2; y++) {
          for (let x = 0; x < 5; x++)
            expect(b.grads[0][((y * 5 + x) * 2 + c) * 3 + o]).toBe(a.grads[0][((o * 2 + c) * 2 + y) * 5 + x]);
        }
      }
    }
    for (let o = 0; o < 4; o++) for (let i = 0; i < 7; i++) expect(b.init[1][i * 4 + o]).toBe(a.init[1][o * 7 + i]);
    expect(b.grads[2]).toEqual(a.grads[2]);
  });
});
