import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { centralize, centralizeInPlace, gcApplies, layoutOf, type GcoptWarning } from '../src/index.js';

/** Mean of each output slice, computed the slow obvious way with ndarray indexing. */
function sliceMeans(x: ndarray.NdArray, outAxis: number): number[] {
  const shape = x.shape;
  const sums = new Array(shape[outAxis]).fill(0);
  const counts = new Array(shape[outAxis]).fill(0);
  const idx = new Array(shape.length).fill(0);
  for (let flat = 0; flat < x.size; flat++) {
    let rem = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    sums[idx[outAxis]] += x.get(...idx);
    counts[idx[outAxis]]++;
  }
  return sums.map((s, i) => s / counts[i]);
}

function random(n: number, seed: number, offset = 0): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5 + offset;
  });
}

describe('centralize', () => {
  const shapes: [number[], number][] = [
    [[4, 3, 2, 2], 0], // PyTorch conv [out,in,kh,kw]
    [[2, 2, 3, 4], 3], // tfjs conv [kh,kw,in,out]
    [[7, 6], 1], // tfjs dense [in,out]
    [[6, 7], 0], // PyTorch linear [out,in]
    [[3, 5, 4], 1], // channel axis in the middle
    [[2, 2, 2, 2, 2], 0],
  ];
  for (const [shape, outAxis] of shapes) {
    it(`gives every output slice zero mean: shape [${shape}], outAxis ${outAxis}`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = ndarray(random(size, size + outAxis, 1000), shape); // large offset: stability matters
      const before = Float64Array.from(x.data as Float64Array);
      const y = centralize(x, { outAxis });
      for (const m of sliceMeans(y, outAxis)) expect(Math.abs(m)).toBeLessThan(1e-12);
      // the projection subtracts exactly the slice mean
      const means = sliceMeans(x, outAxis);
      const idx = Array(shape.length).fill(0);
      for (let flat = 0; flat < size; flat++) {
        let rem = flat;
        for (let d = shape.length - 1; d >= 0; d--) {
          idx[d] = rem % shape[d];
          rem = Math.floor(rem / shape[d]);
        }
        expect(y.get(...idx)).toBeCloseTo(x.get(...idx) - means[idx[outAxis]], 10);
      }
      expect(x.data).toEqual(before); // input untouched
    });
  }

  it('accepts a negative outAxis (tfjs: -1 is the last axis)', () => {
    const x = ndarray(random(24, 3), [2, 3, 4]);
    expect(centralize(x, { outAxis: -1 }).data).toEqual(centralize(x, { outAxis: 2 }).data);
  });

  it('works on non-contiguous views (a transposed tensor centred on its own axis)', () => {
    const base = ndarray(random(12, 9), [3, 4]);
    const view = base.transpose(1, 0); // shape [4,3], strides not row-major
    const materialized = ndarray(new Float64Array(12), [4, 3]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) materialized.set(i, j, view.get(i, j));
    expect(centralize(view, { outAxis: 0 }).data).toEqual(centralize(materialized, { outAxis: 0 }).data);
  });

  it('follows the rank rules: 1-D never, gcc only rank ≥ 4, both bit-identical pass-through', () => {
    expect([1, 2, 3, 4, 5].map((r) => gcApplies(r, 'gc'))).toEqual([false, true, true, true, true]);
    expect([1, 2, 3, 4, 5].map((r) => gcApplies(r, 'gcc'))).toEqual([false, false, false, true, true]);
    const bias = ndarray(random(6, 1), [6]);
    expect(centralize(bias, { outAxis: 0 }).data).toEqual(bias.data);
    const t3 = ndarray(random(30, 2), [5, 2, 3]);
    expect(centralize(t3, { outAxis: 0, rule: 'gcc' }).data).toEqual(t3.data);
    expect(centralize(t3, { outAxis: 0, rule: 'gc' }).data).not.toEqual(t3.data);
  });

  it('zeroes a fan-in-1 tensor exactly and warns once per tensor, through the callback', () => {
    const warnings: GcoptWarning[] = [];
    const col = ndarray(Float64Array.from([1.5, -2, 7]), [3, 1]);
    const y = centralize(col, { outAxis: 0, onWarning: (w) => warnings.push(w) });
    expect(Array.from(y.data)).toEqual([0, 0, 0]);
    centralize(col, { outAxis: 0, onWarning: (w) => warnings.push(w) });
    expect(warnings.length).toBe(1);
    expect(warnings[0].code).toBe('gc-zeroes-gradient');
    expect(warnings[0].shape).toEqual([3, 1]);
    // tfjs Dense with one input: [1, n], output axis last
    const dense = ndarray(Float32Array.from([1, 2, 3]), [1, 3]);
    expect(Array.from(centralize(dense, { outAxis: -1, onWarning: (w) => warnings.push(w) }).data)).toEqual([0, 0, 0]);
    expect(warnings.length).toBe(2);
  });

  it('takes the mean of a single row [1, n] in PyTorch layout', () => {
    const row = ndarray(Float64Array.from([1, 2, 3, 6]), [1, 4]);
    expect(Array.from(centralize(row, { outAxis: 0 }).data)).toEqual([-2, -1, 0, 3]);
  });

  it('keeps float32 in float32 and stays accurate with large offsets', () => {
    const n = 4096;
    const x = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x[i] = 1000 + ((i % 7) - 3) * 1e-3; // offset 1e3, tiny spread: mean of the spread is 0 per 7
      x[n + i] = -1000 + (i % 2 ? 1 : -1);
    }
    const y = centralize(ndarray(x, [2, n]), { outAxis: 0 });
    expect(y.data).toBeInstanceOf(Float32Array);
    const means = sliceMeans(y, 0);
    // bound: float32 rounding of each stored element (|x - mean| ≲ 1, ulp ≈ 6e-8) averaged
    for (const m of means) expect(Math.abs(m)).toBeLessThan(1e-4);
  });

  it('rejects empty tensors and bad axes with errors that name the parameter', () => {
    expect(() => centralize(ndarray(new Float64Array(0), [0, 3]), { outAxis: 0 })).toThrow(/shape/);
    expect(() => centralize(ndarray(new Float64Array(6), [2, 3]), { outAxis: 2 })).toThrow(/outAxis/);
    expect(() => centralize(ndarray(new Float64Array(6), [2, 3]), { outAxis: 0.5 })).toThrow(/outAxis/);
  });

  it('in place, with the layout spelled out', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    centralizeInPlace(x, layoutOf([2, 3], 1)); // tfjs dense [in=2, out=3]: columns
    expect(Array.from(x)).toEqual([-1.5, -1.5, -1.5, 1.5, 1.5, 1.5]);
  });
});
