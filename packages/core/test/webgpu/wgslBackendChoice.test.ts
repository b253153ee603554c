import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setWarningHandler, type GcoptWarning, type Optimizer } from '../../src/index.js';
import { chooseBackend, createDeviceOptimizer } from '../../src/gpu/index.js';
import { createWgslOptimizer, type GpuDevice } from '../../src/webgpu/index.js';
import { coreTrajectory, filled, normRelativeError, random } from '../gpu/helpers.js';
import { movedDecay, unmovedDecay, withCustom } from '../plan/handWrittenRecipes.js';
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

const rnd = random(4);
const init = SHAPES.map((s) =>
  filled(
    s.reduce((a, b) => a * b, 1),
    rnd,
  ),
);
const grads = [0, 1, 2].map(() => SHAPES.map((_, i) => filled(init[i].length, rnd, 0.2)));

function coreRun(optimizer: Optimizer): Float32Array[] {
  return coreTrajectory(
    optimizer,
    SHAPES.map((shape, i) => ({ shape, data: init[i] })),
    grads,
  );
}

describe("createDeviceOptimizer with backend 'wgsl' runs what the recipe says", () => {
  it('a recipe changed by hand runs as written on the WGSL kernels', async ({ skip }) => {
    if (!device) return skip();
    const core = coreRun(movedDecay());
    const unmoved = coreRun(unmovedDecay());
    expect(Math.max(...unmoved.map((m, i) => normRelativeError(m, core[i])))).toBeGreaterThan(1e-3);
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
