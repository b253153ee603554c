import ndarray from 'ndarray';
import {
  centralize,
  createOptimizer,
  dtypeOf,
  Lookahead,
  type Family,
  type FloatArray,
  type Optimizer,
  type Param,
} from '@gcopt/core';
import type { Backend } from '../backend.js';
import type { CentralizationImplementation } from '../centralization/implementation.js';
import type { OptimizerInstance, ParamSpec } from '../optimizer/instance.js';
import { toDType } from '../tensor.js';

const quiet = { onWarning: () => {} };

/** `@gcopt/core`'s `centralize` over typed arrays (sums accumulate in float64). */
export const coreCentralization: CentralizationImplementation = {
  name: '@gcopt/core centralize',
  accumulation: 'float64',
  centralize(g, { shape, outAxis, rule }) {
    return centralize(ndarray(g, [...shape]), { outAxis, rule, ...quiet }).data as FloatArray;
  },
};

/**
 * A core optimizer by catalog name: reference names, plus `Lookahead(SGD)` / `Lookahead(Adam)` with
 * `{inner, k, alpha}`.
 */
export function coreOptimizer(name: string, family: Family | 'wrapper', hyper: Record<string, any>): Optimizer {
  const wrapped = /^Lookahead\((\w+)\)$/.exec(name);
  if (wrapped) {
    const inner = createOptimizer(wrapped[1], { ...hyper.inner, ...quiet }, 'advanced');
    return Lookahead(inner, { k: hyper.k, alpha: hyper.alpha, ...quiet }) as Optimizer;
  }
  return createOptimizer(name, { ...hyper, ...quiet }, family as Family);
}

/** Drives a core-interface optimizer through `stepInPlace` on its own copies of the parameters. */
export function coreInstance(opt: Optimizer, specs: readonly ParamSpec[]): OptimizerInstance {
  const params: Param[] = specs.map((p) => ({
    name: p.name,
    outAxis: p.outAxis,
    gc: p.gc,
    value: ndarray(toDType(p.dtype, p.data), [...p.shape]),
  }));
  const state = opt.init(params);
  return {
    step(grads, options) {
      opt.stepInPlace(params, grads, state, options?.lr === undefined ? {} : { lr: options.lr });
    },
    params: () => params.map((p) => toDType(dtypeOf(p.value.data), p.value.data)),
    stateShapes: () =>
      state.tensors.map((ts) => ({
        shape: ts.shape,
        outAxis: ts.outAxis,
        slots: Object.fromEntries(Object.entries(ts.slots).map(([k, v]) => [k, `${dtypeOf(v)}[${v.length}]`])),
      })),
  };
}

/** The core's typed-array path: every reference optimizer, both dtypes, any layout. */
export const coreBackend: Backend = {
  name: 'core',
  centralization: coreCentralization,
  optimizers: {
    accumulation: 'float64',
    describesState: true,
    valueCases: { nullGradients: true, gcExclusion: true, schedules: true, middleAxis: true },
    supports: () => true,
    create: (name, family, hyper, params) => coreInstance(coreOptimizer(name, family, hyper), params),
  },
  coreOptimizers: coreOptimizer,
};
