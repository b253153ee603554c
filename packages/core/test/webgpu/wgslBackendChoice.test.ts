import ndarray from 'ndarray';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  adamMoments,
  addWeightDecay,
  applyUpdate,
  centralizeUpdate,
  recipeOptimizer,
  scaleByAdam,
  scaleByLearningRate,
  setWarningHandler,
  type GcoptWarning,
  type Optimizer,
  type Param,
  type Transform,
} from '../../src/index.js';
import { chooseBackend, createDeviceOptimizer } from '../../src/gpu/index.js';
import { createWgslOptimizer, type GpuDevice } from '../../src/webgpu/index.js';
import { normRelativeError, random, filled } from '../gpu/helpers.js';
import { testDevice } from './webGpuTestDevice.js';

// compiling a WGSL module takes minutes on lavapipe when the machine is loaded
vi.setConfig({ testTimeout: 900_000, hookTimeout: 300_000 });

let device: GpuDevice | null = null;
beforeAll(async () => {
  setWarningHandler(() => {});
  device = await testDevice();
});
afterAll(() => {
  setWarningHandler(null);
  device?.destroy();
});

describe('backend choice with WGSL', () => {
  it('prefers the WGSL kernels when WebGPU has an adapter, and says so', async ({ skip }) => {
    if (!device) return skip();
    const choice = await chooseBackend();
    expect(choice.backend).toBe('wgsl');
    expect(choice.explanation).toMatch(
      /^wgsl: yes \(hand-written WGSL, one fused pass per step, on adapter .+\)\n→ chose wgsl$/,
    );
  });

  it('passes WGSL over, saying why, when WebGPU finds no adapter', async ({ skip }) => {
    if (!device) return skip();
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator!;
    const real = nav.gpu;
    Object.defineProperty(nav, 'gpu', { value: { requestAdapter: async () => null }, configurable: true });
    try {
      const choice = await chooseBackend(['wgsl', 'webgpu', 'js']);
      expect(choice.backend).toBe('js');
      expect(choice.explanation).toMatch(
        /^wgsl: no \(navigator\.gpu\.requestAdapter\(\) returned no adapter.*\nwebgpu: no \(.*no adapter.*\njs: yes/,
      );
    } finally {
      Object.defineProperty(nav, 'gpu', { value: real, configurable: true });
    }
  });
});

const SHAPES = [[4, 6], [3, 2, 2, 2], [5]];

/** Adam with the decay after the direction and GC on the update, built by hand: no reference optimizer. */
function movedDecay(): Optimizer {
  const recipe: Transform[] = [
    centralizeUpdate('none'),
    adamMoments({ beta1: 0.8, beta2: 0.9 }),
    scaleByAdam({ beta1: 0.8, beta2: 0.9, eps: 1e-6, epsPlacement: 'raw-eps' }),
    addWeightDecay(0.3),
    centralizeUpdate('gc'),
    scaleByLearningRate(),
    applyUpdate(),
  ];
  return recipeOptimizer('MovedDecay', { lr: 0.05 }, recipe);
}

/** The same with a transform only the core runs. */
function withCustom(): Optimizer {
  const halve: Transform = {
    name: 'halveUpdate',
    descriptor: { kind: 'custom', label: 'u ← u/2' },
    apply(ctx) {
      for (let i = 0; i < ctx.u.length; i++) ctx.u[i] *= 0.5;
    },
  };
  const recipe = [...movedDecay().recipe];
  recipe.splice(3, 0, halve);
  return recipeOptimizer('WithCustom', { lr: 0.05 }, recipe);
}

const rnd = random(4);
const init = SHAPES.map((s) =>
  filled(
    s.reduce((a, b) => a * b, 1),
    rnd,
  ),
);
const grads = [0, 1, 2].map(() => SHAPES.map((_, i) => filled(init[i].length, rnd, 0.2)));

function coreRun(optimizer: Optimizer): Float32Array[] {
  const params: Param[] = SHAPES.map((s, i) => ({ value: ndarray(init[i].slice(), s) }));
  const state = optimizer.init(params);
  for (const g of grads) optimizer.stepInPlace(params, g, state);
  return params.map((p) => p.value.data as Float32Array);
}

describe("createDeviceOptimizer with backend 'wgsl' runs what the recipe says", () => {
  it('a recipe changed by hand runs as written on the WGSL kernels', async ({ skip }) => {
    if (!device) return skip();
    const core = coreRun(movedDecay());
    const moved = coreRun(
      recipeOptimizer('Unmoved', { lr: 0.05 }, [
        movedDecay().recipe[3],
        ...movedDecay().recipe.filter((_, i) => i !== 3),
      ]),
    );
    expect(Math.max(...moved.map((m, i) => normRelativeError(m, core[i])))).toBeGreaterThan(1e-3);
    const wgsl = await createDeviceOptimizer(
      movedDecay(),
      SHAPES.map((shape, i) => ({ shape, data: init[i].slice() })),
      { backend: 'wgsl' },
    );
    try {
      for (const g of grads) await wgsl.step(g);
      expect([wgsl.backend, ...wgsl.kernelModes()]).toEqual(['wgsl', 'wgsl']);
      const ours = await wgsl.readParams();
      ours.forEach((p, i) => expect(normRelativeError(p, core[i])).toBeLessThanOrEqual(1e-5));
    } finally {
      wgsl.dispose();
    }
  });

  it('a transform no fused backend knows: the core path, with one warning naming it', async ({ skip }) => {
    if (!device) return skip();
    const warnings: GcoptWarning[] = [];
    const run = await createDeviceOptimizer(
      withCustom(),
      SHAPES.map((shape, i) => ({ shape, data: init[i].slice() })),
      {
        backend: 'wgsl',
        onWarning: (w) => warnings.push(w),
      },
    );
    for (const g of grads) await run.step(g);
    expect(run.backend).toBe('js');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'not-fused', transform: 'halveUpdate', backend: 'wgsl' });
    expect(await run.readParams()).toEqual(coreRun(withCustom()));
    run.dispose();
    // asked for directly, the WGSL optimizer refuses it, naming the transform
    await expect(
      createWgslOptimizer(withCustom(), [{ shape: [2, 2], data: new Float32Array(4) }], { device }),
    ).rejects.toThrow(/halveUpdate/);
  });
});
