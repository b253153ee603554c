import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam_GC2,
  AdamW_GC,
  NonFiniteGradientError,
  RAdam,
  SGD_GC,
  ShapeMismatchError,
  setWarningHandler,
  type GcoptWarning,
} from '../../src/index.js';
import { chooseBackend, createDeviceOptimizer, loadGpuJs, probeBackend } from '../../src/gpu/index.js';
import { requireMode, TESTED_MODES } from './backends.js';
import { coreReference, filled, normRelativeError, random } from './helpers.js';

beforeAll(() => setWarningHandler(() => {}));
afterAll(() => setWarningHandler(null));

describe('backend choice', () => {
  it('explains every mode it passes over, and picks an available one', async () => {
    const choice = await chooseBackend(['webgl2', 'webgl', 'webasm', 'js']);
    // Node has no WebGL context: both are passed over, each with its reason
    expect(choice.probes[0]).toMatchObject({ backend: 'webgl2', available: false });
    expect(choice.probes[0].reason).toMatch(/WebGL 2/);
    expect(choice.probes[1]).toMatchObject({ backend: 'webgl', available: false });
    expect(choice.backend).toBe('webasm');
    expect(choice.explanation).toMatch(/webgl2: no \(.+\)\nwebgl: no \(.+\)\nwebasm: yes \(.+\)\n→ chose webasm/);
  });

  it('names the webgpu adapter it found', async ({ skip }) => {
    if (!(await requireMode('webgpu'))) return skip();
    const probe = await probeBackend('webgpu');
    expect(probe.available).toBe(true);
    expect(probe.reason).toMatch(/^adapter /);
  });

  it('says why webgpu is passed over when the API has no adapter', async () => {
    await requireMode('webgpu').catch(() => false);
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator!;
    const real = nav.gpu;
    // a machine whose WebGPU API exists but finds no adapter (headless Chromium, no Vulkan driver)
    Object.defineProperty(nav, 'gpu', { value: { requestAdapter: async () => null }, configurable: true });
    try {
      const choice = await chooseBackend(['webgpu', 'webasm']);
      expect(choice.backend).toBe('webasm');
      expect(choice.probes[0]).toMatchObject({ backend: 'webgpu', available: false });
      expect(choice.explanation).toMatch(/^webgpu: no \(navigator\.gpu\.requestAdapter\(\) returned no adapter/);
    } finally {
      Object.defineProperty(nav, 'gpu', { value: real, configurable: true });
    }
  });

  it('falls back to js when nothing else is allowed', async () => {
    const choice = await chooseBackend(['js']);
    expect(choice.backend).toBe('js');
  });
});

describe.each(TESTED_MODES)('device-resident optimizer on %s', (mode) => {
  let available = false;
  beforeAll(async () => {
    available = await requireMode(mode);
  });

  it('refuses bad gradients with a clear error and leaves parameters and state as they were', async ({ skip }) => {
    if (!available) return skip();
    const rnd = random(3);
    const params = [
      { name: 'w', shape: [4, 6], data: filled(24, rnd) },
      { name: 'b', shape: [4], data: filled(4, rnd) },
    ];
    const device = await createDeviceOptimizer(Adam_GC2({ lr: 0.1 }), params, { backend: mode });
    try {
      await device.step([filled(24, rnd), filled(4, rnd)]);
      const before = await device.readParams();
      const stateBefore = await device.readState();
      const nan = filled(4, rnd);
      nan[2] = NaN;
      await expect(device.step([filled(24, rnd), nan])).rejects.toThrow(NonFiniteGradientError);
      await expect(device.step([filled(24, rnd), nan])).rejects.toThrow(/parameter b holds NaN at flat index 2/);
      await expect(device.step([filled(23, rnd), filled(4, rnd)])).rejects.toThrow(ShapeMismatchError);
      await expect(device.step([filled(24, rnd)])).rejects.toThrow(/1 gradients given for 2 parameters/);
      expect(device.count).toBe(1);
      expect(await device.readParams()).toEqual(before);
      expect(await device.readState()).toEqual(stateBefore);
    } finally {
      device.dispose();
    }
  });

  it('reports fan-in-1 tensors that GC zeroes to the given handler', async ({ skip }) => {
    if (!available) return skip();
    const seen: string[] = [];
    const device = await createDeviceOptimizer(
      SGD_GC({ lr: 0.1 }),
      [{ name: 'column', shape: [4, 1], data: new Float32Array(4) }],
      {
        backend: mode,
        onWarning: (w) => seen.push(`${w.code} ${w.paramName}`),
      },
    );
    device.dispose();
    expect(seen).toEqual(['gc-zeroes-gradient column']);
  });

  it("resumes from a saved state (its own, or the js path's) and continues the same trajectory", async ({ skip }) => {
    if (!available) return skip();
    const rnd = random(12);
    const params = [
      { shape: [6, 10], data: filled(60, rnd) },
      { shape: [6], data: filled(6, rnd) },
    ];
    const grads = Array.from({ length: 5 }, () => params.map((p) => filled(p.data.length, rnd)));
    const make = () => Adam_GC2({ lr: 1e-2, weightDecay: 1e-2, amsgrad: true });
    const reference = coreReference(make(), params);
    grads.forEach((g) => reference.step(g));
    for (const first of ['js', mode] as const) {
      const a = await createDeviceOptimizer(make(), params, { backend: first });
      for (const g of grads.slice(0, 3)) await a.step(g);
      const saved = { params: await a.readParams(), state: await a.readState() };
      a.dispose();
      const b = await createDeviceOptimizer(
        make(),
        params.map((p, i) => ({ ...p, data: saved.params[i] })),
        { backend: mode, state: saved.state },
      );
      expect(b.count).toBe(3);
      for (const g of grads.slice(3)) await b.step(g);
      (await b.readParams()).forEach((p, i) =>
        expect(normRelativeError(p, reference.params()[i]), `from ${first}`).toBeLessThanOrEqual(1e-5),
      );
      b.dispose();
    }
    const other = coreReference(SGD_GC({ lr: 0.1, momentum: 0.9 }), params).state;
    await expect(createDeviceOptimizer(make(), params, { backend: mode, state: other })).rejects.toThrow(
      /state was made by SGD_GC, not by Adam_GC2/,
    );
  });

  it('runs an optimizer without fused kernels on the core path, with one warning naming the transform', async () => {
    const warnings: GcoptWarning[] = [];
    const params = [{ shape: [2, 2], data: Float32Array.from([1, 2, 3, 5]) }];
    const device = await createDeviceOptimizer(RAdam({ lr: 0.1 }), params, {
      backend: mode,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'not-fused', transform: 'rectify', backend: `gpu.js ${mode}` });
    expect(warnings[0].message).toMatch(/runs RAdam on the core path.*rectify/);
    expect(device.backend).toBe('js');
    const grad = Float32Array.from([0.5, -1, 2, 0.25]);
    await device.step([grad]);
    const reference = coreReference(RAdam({ lr: 0.1 }), params);
    reference.step([grad]);
    expect(Array.from((await device.readParams())[0])).toEqual(Array.from(reference.params()[0]));
    device.dispose();
  });

  it('dispatches a few kernels per step for a whole model of one width (not one set per tensor)', async ({ skip }) => {
    if (!available) return skip();
    const rnd = random(5);
    const params = Array.from({ length: 6 }, (_, i) => ({
      shape: i % 2 ? [16] : [16, 16],
      data: filled(i % 2 ? 16 : 256, rnd),
    }));
    const packed = await createDeviceOptimizer(Adam_GC2({ lr: 1e-3 }), params, { backend: mode });
    const perTensor = await createDeviceOptimizer(Adam_GC2({ lr: 1e-3 }), params, {
      backend: mode,
      packing: 'per-tensor',
    });
    // 2 moments, partial sums + means of the update, parameter update (biases: no GC)
    expect(packed.dispatchesPerStep).toBe(5);
    expect(perTensor.dispatchesPerStep).toBe(3 * 5 + 3 * 3);
    packed.dispose();
    perTensor.dispose();
  });

  it('splits the arrays at maxSlabElements and computes the same step', async ({ skip }) => {
    if (!available) return skip();
    const rnd = random(6);
    const params = Array.from({ length: 6 }, (_, i) => ({
      shape: i % 2 ? [16] : [16, 16],
      data: filled(i % 2 ? 16 : 256, rnd),
    }));
    const make = () => Adam_GC2({ lr: 1e-2, weightDecay: 1e-2 });
    const split = await createDeviceOptimizer(make(), params, { backend: mode, maxSlabElements: 300 });
    const reference = coreReference(make(), params);
    try {
      expect(split.dispatchesPerStep).toBe(3 * 5); // three slabs of one matrix and one bias
      for (let s = 0; s < 3; s++) {
        const grads = params.map((p) => filled(p.data.length, rnd));
        await split.step(grads);
        reference.step(grads);
      }
      (await split.readParams()).forEach((p, i) =>
        expect(normRelativeError(p, reference.params()[i])).toBeLessThanOrEqual(1e-5),
      );
    } finally {
      split.dispose();
    }
  });
});

describe('gradients already on the device', () => {
  it.for(TESTED_MODES)(
    '%s: a gpu.js kernel output is taken as a gradient without a copy to the host',
    async (mode, { skip }) => {
      if (!(await requireMode(mode))) return skip();
      const rnd = random(9);
      const params = [
        { shape: [5, 12], data: filled(60, rnd) },
        { shape: [12], data: filled(12, rnd) },
      ];
      const grads = [filled(60, rnd), filled(12, rnd)];
      const make = () => SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2 });
      const device = await createDeviceOptimizer(make(), params, { backend: mode, packing: 'per-tensor' });
      const reference = coreReference(make(), params);
      const { GPU, input } = await loadGpuJs();
      const gpu = new GPU({ mode });
      try {
        // another kernel of the same mode produces the gradients on the device (here: 2·x/2)
        const shapes = params.map((_, i) => device.deviceShape(i)!);
        expect(shapes).toEqual([
          [12, 5],
          [12, 1],
        ]);
        const produce = shapes.map((output) =>
          gpu.createKernel(
            function (this: { thread: { x: number; y: number } }, a: number[][]) {
              return (2 * a[this.thread.y][this.thread.x]) / 2;
            },
            { output, pipeline: true, precision: 'single' },
          ),
        );
        for (let s = 0; s < 3; s++) {
          const onDevice = await Promise.all(produce.map((k, i) => k(input(grads[i], shapes[i]) as never)));
          await device.step(onDevice);
          reference.step(grads);
        }
        const ours = await device.readParams();
        ours.forEach((p, i) => expect(normRelativeError(p, reference.params()[i])).toBeLessThanOrEqual(1e-5));
        expect(normRelativeError(ours[0], params[0].data)).toBeGreaterThan(1e-3);
        // packed tensors share device arrays: a device gradient for one of them is refused
        const packed = await createDeviceOptimizer(make(), params, { backend: mode });
        expect(packed.deviceShape(0)).toBeNull();
        await expect(packed.step([await produce[0](input(grads[0], shapes[0]) as never), grads[1]])).rejects.toThrow(
          /packing: 'per-tensor'/,
        );
        packed.dispose();
      } finally {
        device.dispose();
        gpu.destroy();
      }
    },
  );
});

describe('gradients written by the caller straight into the packed layout', () => {
  it.for(TESTED_MODES)('%s: stepSlabs takes one device gradient per slab', async (mode, { skip }) => {
    if (!(await requireMode(mode))) return skip();
    const rnd = random(13);
    const params = [
      { shape: [5, 12], data: filled(60, rnd) },
      { shape: [12], data: filled(12, rnd) },
      { shape: [3, 12], data: filled(36, rnd) },
      { shape: [4, 4], data: filled(16, rnd) },
    ];
    const make = () => AdamW_GC({ lr: 1e-2, weightDecay: 1e-2 });
    const device = await createDeviceOptimizer(make(), params, { backend: mode });
    const reference = coreReference(make(), params);
    const { GPU, input } = await loadGpuJs();
    const gpu = new GPU({ mode });
    try {
      expect(device.slabs.map((s) => s.shape)).toEqual([
        [12, 9],
        [4, 4],
      ]);
      expect(device.slabs[0].tensors.map((t) => [t.index, t.rowOffset, t.rows])).toEqual([
        [0, 0, 5],
        [1, 5, 1],
        [2, 6, 3],
      ]);
      const copies = device.slabs.map((slab) =>
        gpu.createKernel(
          function (this: { thread: { x: number; y: number } }, a: number[][]) {
            return a[this.thread.y][this.thread.x];
          },
          { output: slab.shape, pipeline: true, precision: 'single' },
        ),
      );
      for (let step = 0; step < 3; step++) {
        const grads = params.map((p) => filled(p.data.length, rnd));
        // the caller's "backward kernels": here, the packed gradient built on the host and copied up
        const packed = await Promise.all(
          device.slabs.map((slab, k) => {
            const host = new Float32Array(slab.shape[0] * slab.shape[1]);
            for (const t of slab.tensors) host.set(grads[t.index], t.rowOffset * slab.shape[0]);
            return copies[k](input(host, slab.shape) as never);
          }),
        );
        await device.stepSlabs(packed);
        reference.step(grads);
      }
      (await device.readParams()).forEach((p, i) =>
        expect(normRelativeError(p, reference.params()[i])).toBeLessThanOrEqual(1e-5),
      );
      await expect(device.stepSlabs([])).rejects.toThrow(/0 slab gradients given for 2 slabs/);
      expect(device.count).toBe(3);
    } finally {
      device.dispose();
      gpu.destroy();
    }
  });
});
