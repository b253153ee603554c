/**
 * `pnpm --filter @gcopt/float32 bench`: the cost of this package's checks around the core's in-place
 * step. Three ways to take the same Adam_GC2 step on a 1M-parameter model, measured in one process:
 * the core's `stepInPlace` alone (baseline), `@gcopt/float32`'s `step` (validation, finiteness scan,
 * groups, then `stepInPlace`), and the core's pure `step` (copies parameters and state every step).
 * Not part of `pnpm test`: speed is reported, never asserted.
 */
import ndarray from 'ndarray';
import { bench, describe } from 'vitest';
import { Adam_GC2, type Param } from '@gcopt/core';
import { createOptimizer } from '../src/index.js';

const shapes = { 'fc.weight': [1024, 1024], 'fc.bias': [1024] } as const;
const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const model = Object.entries(shapes).map(([name, shape]) => ({
  name,
  shape: [...shape],
  data: random(shape.reduce((a, b) => a * b, 1)),
}));
const grads = Object.fromEntries(model.map((p) => [p.name, random(p.data.length).map((v) => v * 1e-2)]));
const gradList = model.map((p) => grads[p.name]);

const opt = createOptimizer(
  'Adam_GC2',
  { lr: 1e-4 },
  model.map((p) => ({ ...p, data: p.data.slice() })),
);
const core = Adam_GC2({ lr: 1e-4 });
const coreParams: Param[] = model.map((p) => ({ value: ndarray(p.data.slice(), p.shape), name: p.name }));
const coreState = core.init(coreParams);
let pureParams: Param[] = model.map((p) => ({ value: ndarray(p.data.slice(), p.shape), name: p.name }));
let pureState = core.init(pureParams);

describe('Adam_GC2 step, 1,049,600 parameters', () => {
  bench('core stepInPlace (baseline)', () => core.stepInPlace(coreParams, gradList, coreState), { time: 2000 });
  bench('@gcopt/float32 step', () => void opt.step(grads), { time: 2000 });
  bench(
    'core pure step',
    () => {
      ({ params: pureParams, state: pureState } = core.step(pureParams, gradList, pureState));
    },
    { time: 2000 },
  );
});
