import ndarray from 'ndarray';
import { expect } from 'vitest';
import {
  Lookahead,
  findReferenceOptimizer,
  referenceOptimizers,
  type Family,
  type Optimizer,
  type OptimizerState,
  type Param,
} from '@gcopt/core';
import { seededRandom } from '@gcopt/mnist-data';
import { visibleStepOptions } from '../../core/test/optimizerCatalog.js';
import { encodeSnapshot, type Float32Optimizer, type Float32Param } from '../src/index.js';

export interface Case {
  readonly label: string;
  readonly name: string;
  readonly family: Family;
  readonly options: Record<string, unknown>;
  readonly lookahead?: { k: number; alpha: number };
}

/** The 22 reference optimizers, and Lookahead around advanced SGD. */
export const CASES: readonly Case[] = [
  ...referenceOptimizers.map((r) => ({
    label: `${r.family}/${r.name}`,
    name: r.name,
    family: r.family,
    options: visibleStepOptions(r.name, r.family),
  })),
  {
    label: 'Lookahead(SGD)',
    name: 'SGD',
    family: 'advanced',
    options: { lr: 0.1, momentum: 0.9, useGc: true },
    lookahead: { k: 2, alpha: 0.5 },
  },
];

/** The core optimizer a case means, made directly (the reference the float32 layer must match). */
export function coreOptimizer(c: Case, extra: Record<string, unknown> = {}): Optimizer {
  const inner = findReferenceOptimizer(c.name, c.family).create({ ...c.options, ...extra });
  return c.lookahead ? Lookahead(inner, c.lookahead) : inner;
}

/** A small model with a conv kernel, a PyTorch-layout linear layer, a bias and a tfjs-layout kernel. */
export function makeModel(seed = 1): Float32Param[] {
  const random = seededRandom(seed);
  const tensor = (name: string, shape: number[], outAxis?: number): Float32Param => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = random() - 0.5;
    return { name, shape, data, outAxis };
  };
  return [
    tensor('conv.weight', [4, 3, 2, 2]),
    tensor('fc.weight', [5, 6]),
    tensor('fc.bias', [5]),
    tensor('dense.kernel', [6, 4], -1),
  ];
}

export function cloneModel(model: readonly Float32Param[]): Float32Param[] {
  return model.map((p) => ({ ...p, shape: [...p.shape], data: p.data.slice() }));
}

/** Deterministic gradients for step `t` of a model. */
export function makeGrads(model: readonly Float32Param[], t: number, seed = 7): Record<string, Float32Array> {
  const random = seededRandom(seed * 1000 + t);
  return Object.fromEntries(model.map((p) => [p.name, Float32Array.from(p.data, () => 2 * random() - 1)]));
}

/** Core Params over copies of the model (for running the core's pure step side by side). */
export function coreParams(
  model: readonly Float32Param[],
  overrides: Partial<Record<string, { gc?: boolean }>> = {},
): Param[] {
  return model.map((p) => ({
    value: ndarray(p.data.slice(), [...p.shape]),
    outAxis: p.outAxis ?? 0,
    gc: overrides[p.name]?.gc,
    name: p.name,
  }));
}

export function paramBytes(params: readonly { data: Float32Array }[] | readonly Param[]): Uint8Array[] {
  return params.map((p) => {
    const data = 'value' in p ? (p.value.data as Float32Array) : p.data;
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  });
}

/** Everything a failed step must not change: every parameter's bytes and the whole encoded state. */
export function fingerprint(model: readonly Float32Param[], opt: Float32Optimizer): Uint8Array[] {
  return [...paramBytes(model), encodeSnapshot(opt.state())];
}

export function stateBytes(state: OptimizerState): Uint8Array[] {
  return state.tensors.flatMap((t) =>
    Object.keys(t.slots)
      .sort()
      .map(
        (k) =>
          new Uint8Array(t.slots[k].buffer.slice(t.slots[k].byteOffset, t.slots[k].byteOffset + t.slots[k].byteLength)),
      ),
  );
}

/**
 * The fast path's bound against the core — the float32 tolerance its golden replays are held to:
 * |a − b| ≤ 1e-5 · max(1, |b|) (packages/core/README.md, the fast path's precision).
 */
export const FAST_PATH_BOUND = 1e-5;

/** max over i of |a[i] − b[i]| / max(1, |b[i]|); Infinity where either holds NaN. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

/**
 * The parameters of `model` against the core's (`reference`, in model order): byte for byte on
 * backend 'core', within FAST_PATH_BOUND on the default backend (the fast path where it runs).
 */
export function expectMatchesCore(
  model: readonly Float32Param[],
  reference: readonly (Param | { data: Float32Array })[],
  backend: 'core' | undefined,
): void {
  if (backend === 'core') {
    expect(paramBytes(model)).toEqual(paramBytes(reference as never));
    return;
  }
  model.forEach((p, i) => {
    const r = reference[i];
    const want = 'value' in r ? (r.value.data as Float32Array) : r.data;
    expect(maxRelError(p.data, want), p.name).toBeLessThanOrEqual(FAST_PATH_BOUND);
  });
}
