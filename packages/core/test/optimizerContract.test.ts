import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  cloneState,
  InvalidArgumentError,
  NonFiniteGradientError,
  ShapeMismatchError,
  type DType,
  type FloatArray,
  type OptimizerState,
  type Param,
} from '../src/index.js';
import { optimizerCatalog } from './optimizerCatalog.js';

/**
 * The contract every optimizer must meet (optax's alias_test idea): one suite, run over all of them,
 * in both precisions, on a model that mixes PyTorch and tfjs layouts.
 */
const SHAPES: { shape: number[]; outAxis: number }[] = [
  { shape: [4, 3, 2, 2], outAxis: 0 }, // PyTorch conv
  { shape: [2, 2, 3, 4], outAxis: -1 }, // tfjs conv
  { shape: [5, 3], outAxis: -1 }, // tfjs dense
  { shape: [3], outAxis: 0 }, // bias
  { shape: [3, 1], outAxis: 0 }, // fan-in 1: GC zeroes it
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function makeArray(dtype: DType, values: number[]): FloatArray {
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

function makeParams(dtype: DType, seed = 1): Param[] {
  const r = rng(seed);
  return SHAPES.map(({ shape, outAxis }, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return { value: ndarray(makeArray(dtype, Array.from({ length: size }, r)), shape), outAxis, name: `p${i}` };
  });
}

function makeGrads(dtype: DType, seed: number): FloatArray[] {
  const r = rng(seed);
  return SHAPES.map(({ shape }) =>
    makeArray(
      dtype,
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() + 0.3),
    ),
  );
}

function bytesOf(arrays: readonly FloatArray[]): string {
  return arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')).join('|');
}

function stateBytes(state: OptimizerState): string {
  return JSON.stringify({
    count: state.count,
    tensors: state.tensors.map((t) => ({
      step: t.step,
      shape: t.shape,
      slots: Object.keys(t.slots)
        .sort()
        .map((k) => [k, bytesOf([t.slots[k]])]),
    })),
  });
}

const paramData = (ps: readonly Param[]) => ps.map((p) => p.value.data as FloatArray);
const quiet = { onWarning: () => {} };

for (const entry of optimizerCatalog()) {
  for (const dtype of ['float64', 'float32'] as const) {
    describe(`${entry.label} [${dtype}]`, () => {
      it('never mutates its inputs and is deterministic', () => {
        const opt = entry.create(quiet);
        const params = makeParams(dtype);
        let state = opt.init(params);
        state = opt.step(params, makeGrads(dtype, 7), state).state; // non-trivial state
        const grads = makeGrads(dtype, 8);
        const before = [bytesOf(paramData(params)), bytesOf(grads), stateBytes(state)];
        const a = opt.step(params, grads, state);
        const b = opt.step(params, grads, state);
        expect([bytesOf(paramData(params)), bytesOf(grads), stateBytes(state)]).toEqual(before);
        expect(bytesOf(paramData(a.params))).toBe(bytesOf(paramData(b.params)));
        expect(stateBytes(a.state)).toBe(stateBytes(b.state));
        expect(bytesOf(paramData(a.params))).not.toBe(before[0]); // it did move something
      });

      it('pure and in-place forms agree bit for bit, and state shapes are stable', () => {
        const opt = entry.create(quiet);
        let pure = makeParams(dtype);
        const inPlace = makeParams(dtype);
        let pureState = opt.init(pure);
        const inPlaceState = opt.init(inPlace);
        const shapeOf = (s: OptimizerState) =>
          s.tensors.map((t) =>
            Object.entries(t.slots)
              .map(([k, v]) => `${k}:${v.length}:${v.constructor.name}`)
              .sort(),
          );
        const initialShape = shapeOf(pureState);
        for (let t = 0; t < 7; t++) {
          const grads = makeGrads(dtype, 100 + t);
          ({ params: pure, state: pureState } = opt.step(pure, grads, pureState));
          opt.stepInPlace(inPlace, grads, inPlaceState);
          expect(shapeOf(pureState)).toEqual(initialShape);
        }
        expect(bytesOf(paramData(inPlace))).toBe(bytesOf(paramData(pure)));
        expect(stateBytes(inPlaceState)).toBe(stateBytes(pureState));
        for (const p of pure) expect(p.value.data).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
      });

      it('leaves parameters unchanged with learning rate 0', () => {
        const opt = entry.create(quiet);
        const params = makeParams(dtype);
        const before = bytesOf(paramData(params));
        const state = opt.init(params);
        for (let t = 0; t < 4; t++) opt.stepInPlace(params, makeGrads(dtype, t), state, { lr: 0 });
        expect(bytesOf(paramData(params))).toBe(before);
      });

      it('a failed step changes nothing and names the problem', () => {
        const opt = entry.create(quiet);
        const params = makeParams(dtype);
        const state = opt.init(params);
        opt.stepInPlace(params, makeGrads(dtype, 1), state);
        const snapshot = () => [bytesOf(paramData(params)), stateBytes(state)];
        const before = snapshot();
        const good = makeGrads(dtype, 2);
        const withNaN = makeGrads(dtype, 2);
        withNaN[4][2] = NaN; // last tensor: earlier tensors would be updated by a non-atomic step
        const withInf = makeGrads(dtype, 2);
        withInf[3][0] = -Infinity;
        const cases: [string, () => void, new (...a: never[]) => Error, RegExp][] = [
          ['NaN', () => opt.stepInPlace(params, withNaN, state), NonFiniteGradientError, /p4.*NaN/],
          ['-Inf', () => opt.stepInPlace(params, withInf, state), NonFiniteGradientError, /p3.*-Infinity/],
          [
            'length',
            () => opt.stepInPlace(params, [...good.slice(0, 4), makeArray(dtype, [1, 2])], state),
            ShapeMismatchError,
            /p4.*2 elements/,
          ],
          [
            'shape',
            () => opt.stepInPlace(params, [...good.slice(0, 2), ndarray(good[2], [3, 5]), ...good.slice(3)], state),
            ShapeMismatchError,
            /p2.*\[3,5\]/,
          ],
          ['count', () => opt.stepInPlace(params, good.slice(0, 3), state), ShapeMismatchError, /3 gradients/],
          ['lr', () => opt.stepInPlace(params, good, state, { lr: -1 }), InvalidArgumentError, /lr/],
          ['lr NaN', () => opt.stepInPlace(params, good, state, { lr: NaN }), InvalidArgumentError, /lr/],
          [
            'state',
            () => opt.stepInPlace(params, good, { ...cloneState(state), optimizer: 'Other' }),
            ShapeMismatchError,
            /Other/,
          ],
        ];
        for (const [, run, type, message] of cases) {
          expect(run).toThrow(type);
          expect(run).toThrow(message);
          expect(snapshot()).toEqual(before);
        }
      });

      it('skips a tensor whose gradient is null', () => {
        const opt = entry.create(quiet);
        const params = makeParams(dtype);
        const state = opt.init(params);
        const before = bytesOf([params[1].value.data as FloatArray]);
        const grads: (FloatArray | null)[] = makeGrads(dtype, 3);
        grads[1] = null;
        opt.stepInPlace(params, grads, state);
        expect(bytesOf([params[1].value.data as FloatArray])).toBe(before);
        expect(state.tensors[1].step).toBe(0);
        expect(state.tensors[0].step).toBe(1);
      });

      it('takes a learning-rate schedule, the same as per-step overrides', () => {
        const lrs = [0.02, 0.01, 0.005, 0.0025];
        const seen: number[] = [];
        const scheduled = entry.create({ ...quiet, lr: (t: number) => (seen.push(t), lrs[t - 1]) });
        const fixed = entry.create({ ...quiet, lr: 1 });
        const a = makeParams(dtype);
        const b = makeParams(dtype);
        const sa = scheduled.init(a);
        const sb = fixed.init(b);
        lrs.forEach((lr, t) => {
          scheduled.stepInPlace(a, makeGrads(dtype, t), sa);
          fixed.stepInPlace(b, makeGrads(dtype, t), sb, { lr });
        });
        expect(seen).toEqual([1, 2, 3, 4]);
        expect(bytesOf(paramData(a))).toBe(bytesOf(paramData(b)));
      });

      it('updates a non-contiguous parameter view in place like a contiguous one', () => {
        const opt = entry.create(quiet);
        const contiguous = makeParams(dtype);
        // the same values stored transposed, seen through a transposed view
        const viewed = makeParams(dtype).map((p) => {
          if (p.value.shape.length !== 2) return p;
          const [r, c] = p.value.shape;
          const storage = ndarray(makeArray(dtype, new Array(r * c).fill(0)), [c, r]);
          const view = storage.transpose(1, 0);
          for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) view.set(i, j, p.value.get(i, j));
          return { ...p, value: view as ndarray.NdArray<FloatArray> };
        });
        const s1 = opt.init(contiguous);
        const s2 = opt.init(viewed);
        for (let t = 0; t < 3; t++) {
          opt.stepInPlace(contiguous, makeGrads(dtype, t), s1);
          opt.stepInPlace(viewed, makeGrads(dtype, t), s2);
        }
        viewed.forEach((p, k) => {
          const [r, c] = p.value.shape;
          if (p.value.shape.length !== 2) return;
          for (let i = 0; i < r; i++)
            for (let j = 0; j < c; j++) expect(p.value.get(i, j)).toBe(contiguous[k].value.get(i, j));
        });
      });

      it('converges on a quadratic whose optimum GC can reach', () => {
        const opt = entry.create(quiet);
        const params = makeParams(dtype);
        // the optimum differs from the start by a mean-free change per output channel (GC cannot
        // move channel means) — and not at all for the fan-in-1 tensor that GC freezes
        const r = rng(99);
        const target = params.map((p, i) => {
          const delta = ndarray(
            new Float64Array(p.value.size).map(() => r()),
            p.value.shape.slice(),
          );
          if (i === 4) delta.data.fill(0);
          const layoutAxis = SHAPES[i].outAxis < 0 ? p.value.shape.length + SHAPES[i].outAxis : SHAPES[i].outAxis;
          if (p.value.shape.length >= 2) {
            // subtract channel means from delta
            const c = p.value.shape[layoutAxis];
            const sums = new Float64Array(c);
            const counts = new Float64Array(c);
            const idxOf = (flat: number) => {
              let rem = flat;
              const idx: number[] = [];
              for (let d = p.value.shape.length - 1; d >= 0; d--) {
                idx[d] = rem % p.value.shape[d];
                rem = Math.floor(rem / p.value.shape[d]);
              }
              return idx;
            };
            for (let f = 0; f < p.value.size; f++) {
              sums[idxOf(f)[layoutAxis]] += delta.data[f];
              counts[idxOf(f)[layoutAxis]]++;
            }
            for (let f = 0; f < p.value.size; f++)
              delta.data[f] -= sums[idxOf(f)[layoutAxis]] / counts[idxOf(f)[layoutAxis]];
          }
          return Float64Array.from(p.value.data as FloatArray, (v, k) => v + delta.data[k]);
        });
        const loss = () =>
          params.reduce(
            (s, p, i) => s + (p.value.data as FloatArray).reduce((a, v, k) => a + 0.5 * (v - target[i][k]) ** 2, 0),
            0,
          );
        const state = opt.init(params);
        const start = loss();
        for (let t = 0; t < 150; t++) {
          const grads = params.map((p, i) =>
            makeArray(
              dtype,
              Array.from(p.value.data as FloatArray, (v, k) => v - target[i][k]),
            ),
          );
          opt.stepInPlace(params, grads, state);
        }
        expect(loss()).toBeLessThan(0.5 * start);
      });
    });
  }
}
