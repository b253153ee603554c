import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Adagrad_GC,
  Adam_GC,
  Adam_GC2,
  AdamW_GCC2,
  NonFiniteGradientError,
  SGD_GC,
  setWarningHandler,
  type Optimizer,
} from '../../src/index.js';
import {
  createWgslOptimizer,
  isSoftwareDevice,
  type GpuBuffer,
  type GpuDevice,
  type RowReduction,
  type WgslOptimizer,
} from '../../src/webgpu/index.js';
import {
  coreReference,
  filled,
  gradientsOf,
  normRelativeError,
  random,
  testTensors,
  type TestTensor,
} from '../gpu/helpers.js';
import { testDevice } from './webGpuTestDevice.js';

// compiling a WGSL module takes minutes on lavapipe when the machine is loaded
vi.setConfig({ testTimeout: 900_000, hookTimeout: 300_000 });

const STORAGE_COPY_DST = 0x0080 | 0x0008;

let device: GpuDevice | null = null;
beforeAll(async () => {
  setWarningHandler(() => {});
  device = await testDevice();
});
afterAll(() => {
  setWarningHandler(null);
  device?.destroy();
});

/** Rows longer than one workgroup's tile (4096) in every layout, plus the hard cases of GC's mean. */
function model(): TestTensor[] {
  const t = testTensors(random(3));
  return [
    t('long rows, output axis first', [3, 9000]), // 3 tiles per row: two-phase reduction
    t('long rows, output axis last', [8500, 2], { outAxis: -1 }),
    t('long rows, output axis in the middle', [50, 3, 100], { outAxis: 1 }),
    t('long bias', [10000]), // not centred, 3 tiles
    t('conv', [4, 3, 3, 3]),
    t('offset rows', [6, 40], { gradOffset: 20 }, 100),
    // gradients that nearly cancel under GC (offset 1000, spread 0.01): Adam and Adagrad normalize the
    // centred values, so a float32 mean (off by ~ulp(sum)/n) would change every update visibly
    t('cancelling rows', [4, 4096], { gradOffset: 1000, gradScale: 1e-2 }),
    t('cancelling long rows', [2, 9000], { gradOffset: 1000, gradScale: 1e-2 }),
    t('fan-in 1', [3, 1]),
    t('excluded', [5, 5], { gc: false }),
  ];
}

function deviceBuffer(values: Float32Array): GpuBuffer {
  const b = device!.createBuffer({ size: values.byteLength, usage: STORAGE_COPY_DST });
  device!.queue.writeBuffer(b, 0, values);
  return b;
}

const CASES: [string, () => Optimizer][] = [
  ['Adam_GC with L2', () => Adam_GC({ lr: 1e-2, weightDecay: 1e-2 })],
  ['Adam_GC2 amsgrad (GC on the update)', () => Adam_GC2({ lr: 1e-2, weightDecay: 1e-2, amsgrad: true })],
  ['AdamW_GCC2', () => AdamW_GCC2({ lr: 1e-2, weightDecay: 0.1 })],
  ['SGD_GC nesterov', () => SGD_GC({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adagrad_GC', () => Adagrad_GC({ lr: 0.1, lrDecay: 0.01, weightDecay: 1e-2, initialAccumulatorValue: 0.1 })],
];

const REDUCTIONS: RowReduction[] = ['workgroup', 'invocation'];

describe.each(REDUCTIONS)(
  'WGSL optimizer = core typed-array path on long rows and hard means (rows reduced per %s)',
  (rowReduction) => {
    it.for(CASES)('%s (device gradients as GPUBuffers)', async ([, make], { skip }) => {
      if (!device) return skip();
      const tensors = model();
      const wgsl = await createWgslOptimizer(make(), tensors, { device, rowReduction });
      expect(wgsl.rowReduction).toBe(rowReduction);
      const reference = coreReference(make(), tensors);
      const rnd = random(5);
      const made: GpuBuffer[] = [];
      try {
        for (let s = 0; s < 4; s++) {
          const grads = gradientsOf(tensors, rnd);
          // half the steps hand the gradients over as device buffers, half as host arrays
          const given = s % 2 === 0 ? grads.map((g) => made[made.push(deviceBuffer(g)) - 1]) : grads;
          await wgsl.step(given);
          reference.step(grads);
        }
        await wgsl.finish();
        const ours = await wgsl.readParams();
        const theirs = reference.params();
        const state = await wgsl.readState();
        tensors.forEach((tensor, i) => {
          expect(normRelativeError(ours[i], theirs[i]), `${tensor.name}: parameters`).toBeLessThanOrEqual(1e-5);
          for (const [slot, values] of Object.entries(reference.state.tensors[i].slots)) {
            expect(
              normRelativeError(state.tensors[i].slots[slot], values),
              `${tensor.name}: ${slot}`,
            ).toBeLessThanOrEqual(1e-5);
          }
          expect(Object.keys(state.tensors[i].slots).sort()).toEqual(
            Object.keys(reference.state.tensors[i].slots).sort(),
          );
        });
        expect(normRelativeError(ours[0], tensors[0].data)).toBeGreaterThan(1e-3);
      } finally {
        wgsl.dispose();
        made.forEach((b) => b.destroy());
      }
    });
  },
);

describe('WGSL optimizer: one submit per step', () => {
  it('submits exactly one command buffer per step, host or device gradients, and no readback', async ({ skip }) => {
    if (!device) return skip();
    const tensors = model();
    const wgsl = await createWgslOptimizer(Adam_GC({ lr: 1e-3 }), tensors, { device, rowReduction: 'workgroup' });
    const queue = device.queue as { submit(c: readonly unknown[]): void };
    const original = queue.submit;
    let submits = 0;
    let buffers = 0;
    queue.submit = function (commands: readonly unknown[]) {
      submits++;
      buffers += commands.length;
      return original.call(this, commands);
    };
    try {
      const rnd = random(9);
      const hostGrads = gradientsOf(tensors, rnd);
      const deviceGrads = hostGrads.map((g, i) => {
        device!.queue.writeBuffer(wgsl.gradientBuffer(i), 0, g);
        return wgsl.gradientBuffer(i);
      });
      for (let s = 0; s < 3; s++) await wgsl.step(hostGrads);
      expect([submits, buffers]).toEqual([3, 3]);
      for (let s = 0; s < 3; s++) await wgsl.step(deviceGrads);
      expect([submits, buffers]).toEqual([6, 6]);
      // checks of 10 device gradients, partial sums of the 4 long centred tensors, 10 updates
      expect(wgsl.lastDispatches).toBe(24);
      await wgsl.step(deviceGrads, { checkFinite: false });
      expect(wgsl.lastDispatches).toBe(14);
      expect(submits).toBe(7);
    } finally {
      queue.submit = original;
      wgsl.dispose();
    }
  });

  it('counts 28 bytes per parameter for Adam_GC on rows that fit a workgroup (32 with the device check)', async ({
    skip,
  }) => {
    if (!device) return skip();
    const rnd = random(1);
    const params = [
      { shape: [64, 4096], data: filled(64 * 4096, rnd) },
      { shape: [64], data: filled(64, rnd) },
    ];
    const wgsl = await createWgslOptimizer(Adam_GC({ lr: 1e-3 }), params, { device, rowReduction: 'workgroup' });
    expect(wgsl.bytesPerParam(false)).toBe(28);
    expect(wgsl.bytesPerParam(true)).toBe(32);
    wgsl.dispose();
    // one invocation per row reads g and p of centred rows twice
    const rows = await createWgslOptimizer(Adam_GC({ lr: 1e-3 }), params, { device, rowReduction: 'invocation' });
    expect(rows.bytesPerParam(false)).toBeCloseTo(28 + (8 * 64 * 4096) / (64 * 4096 + 64), 10);
    rows.dispose();
  });
});

describe.each(REDUCTIONS)(
  'WGSL optimizer: a gradient with NaN or ±Inf changes nothing (rows reduced per %s)',
  (rowReduction) => {
    async function setup(): Promise<{ wgsl: WgslOptimizer; tensors: TestTensor[]; grads: () => Float32Array[] }> {
      const tensors = model();
      const wgsl = await createWgslOptimizer(Adam_GC2({ lr: 1e-2, amsgrad: true }), tensors, {
        device: device!,
        rowReduction,
      });
      const rnd = random(21);
      return { wgsl, tensors, grads: () => gradientsOf(tensors, rnd) };
    }

    async function snapshot(wgsl: WgslOptimizer) {
      return { params: await wgsl.readParams(), state: (await wgsl.readState()).tensors.map((t) => t.slots) };
    }

    it('a device gradient: the device skips the step; finish() reports it; count, params, state as before', async ({
      skip,
    }) => {
      if (!device) return skip();
      const { wgsl, grads } = await setup();
      const made: GpuBuffer[] = [];
      try {
        await wgsl.step(grads().map((g) => made[made.push(deviceBuffer(g)) - 1]));
        await wgsl.finish();
        const before = await snapshot(wgsl);
        const bad = grads();
        bad[2][777] = NaN; // a long row in the middle layout: its partial sums run before the check's verdict is used
        bad[6][5] = Infinity;
        await wgsl.step(bad.map((g) => made[made.push(deviceBuffer(g)) - 1]));
        // a later good step submitted before the refusal is known is refused too
        await wgsl.step(grads().map((g) => made[made.push(deviceBuffer(g)) - 1]));
        const error = await wgsl.finish().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(NonFiniteGradientError);
        const e = error as NonFiniteGradientError;
        expect([e.paramIndex, e.elementIndex, e.value]).toEqual([2, 777, NaN]);
        expect(e.message).toMatch(/^step 2: .*not applied.*1 step\(s\) submitted after it were refused too/);
        expect(wgsl.count).toBe(1);
        const after = await snapshot(wgsl);
        expect(after).toEqual(before);
        // the refusal is cleared once reported: the next good step applies as step 2
        await wgsl.step(grads().map((g) => made[made.push(deviceBuffer(g)) - 1]));
        await wgsl.finish();
        expect(wgsl.count).toBe(2);
        expect((await wgsl.readState()).count).toBe(2);
        expect(await wgsl.readParams()).not.toEqual(before.params);
      } finally {
        wgsl.dispose();
        made.forEach((b) => b.destroy());
      }
    });

    it('waitForCheck reports a device refusal at the step itself', async ({ skip }) => {
      if (!device) return skip();
      const { wgsl, grads } = await setup();
      const made: GpuBuffer[] = [];
      try {
        const before = await snapshot(wgsl);
        const bad = grads();
        bad[9][24] = -Infinity;
        const error = await wgsl
          .step(
            bad.map((g) => made[made.push(deviceBuffer(g)) - 1]),
            { waitForCheck: true },
          )
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(NonFiniteGradientError);
        expect([
          (error as NonFiniteGradientError).paramIndex,
          (error as NonFiniteGradientError).elementIndex,
          (error as NonFiniteGradientError).value,
        ]).toEqual([9, 24, -Infinity]);
        expect(wgsl.count).toBe(0);
        expect(await snapshot(wgsl)).toEqual(before);
        await wgsl.step(grads(), { waitForCheck: true });
        expect(wgsl.count).toBe(1);
      } finally {
        wgsl.dispose();
        made.forEach((b) => b.destroy());
      }
    });

    it('refuses its own parameter or state buffers as gradients', async ({ skip }) => {
      if (!device) return skip();
      const { wgsl, grads } = await setup();
      try {
        const given: (Float32Array | GpuBuffer)[] = grads();
        given[0] = wgsl.paramBuffer(0);
        await expect(wgsl.step(given)).rejects.toThrow(/grads\[0\].*parameter or state buffers/);
        expect(wgsl.count).toBe(0);
      } finally {
        wgsl.dispose();
      }
    });

    it('a host gradient throws before anything is submitted', async ({ skip }) => {
      if (!device) return skip();
      const { wgsl, grads } = await setup();
      try {
        await wgsl.step(grads());
        const before = await snapshot(wgsl);
        const bad = grads();
        bad[4][3] = NaN;
        await expect(wgsl.step(bad)).rejects.toThrow(NonFiniteGradientError);
        expect(wgsl.count).toBe(1);
        await wgsl.finish();
        expect(await snapshot(wgsl)).toEqual(before);
      } finally {
        wgsl.dispose();
      }
    });
  },
);

describe('WGSL optimizer: state and buffers', () => {
  it('reduces rows per invocation on a software adapter unless told otherwise', async ({ skip }) => {
    if (!device) return skip();
    expect(isSoftwareDevice(device)).toBe(true); // the tests run on lavapipe
    const params = [{ shape: [2, 3], data: new Float32Array(6) }];
    const chosen = await createWgslOptimizer(SGD_GC({ lr: 0.1 }), params, { device });
    const told = await createWgslOptimizer(SGD_GC({ lr: 0.1 }), params, { device, rowReduction: 'workgroup' });
    expect([chosen.rowReduction, told.rowReduction]).toEqual(['invocation', 'workgroup']);
    chosen.dispose();
    told.dispose();
    await expect(
      createWgslOptimizer(SGD_GC({ lr: 0.1 }), params, { device, rowReduction: 'warp' as never }),
    ).rejects.toThrow(/rowReduction/);
  });

  it('resumes from readState() exactly where it stopped', async ({ skip }) => {
    if (!device) return skip();
    const tensors = model();
    const rnd = random(33);
    const steps = [0, 1, 2, 3].map(() => gradientsOf(tensors, rnd));
    const straight = await createWgslOptimizer(SGD_GC({ lr: 0.1, momentum: 0.9 }), tensors, { device });
    const first = await createWgslOptimizer(SGD_GC({ lr: 0.1, momentum: 0.9 }), tensors, { device });
    try {
      for (const g of steps) await straight.step(g);
      for (const g of steps.slice(0, 2)) await first.step(g);
      const state = await first.readState();
      const params = await first.readParams();
      const resumed = await createWgslOptimizer(
        SGD_GC({ lr: 0.1, momentum: 0.9 }),
        tensors.map((t, i) => ({ ...t, data: params[i] })),
        { device, state },
      );
      try {
        expect(resumed.count).toBe(2);
        for (const g of steps.slice(2)) await resumed.step(g);
        expect(await resumed.readParams()).toEqual(await straight.readParams());
      } finally {
        resumed.dispose();
      }
    } finally {
      straight.dispose();
      first.dispose();
    }
  });

  it('paramBuffer(i) holds the parameters on the device in their own layout', async ({ skip }) => {
    if (!device) return skip();
    const tensors = model();
    const wgsl = await createWgslOptimizer(Adagrad_GC({ lr: 0.1 }), tensors, { device });
    try {
      await wgsl.step(gradientsOf(tensors, random(2)));
      const i = 1; // output axis last
      const size = tensors[i].data.length * 4;
      const staging = device.createBuffer({ size, usage: 0x0001 | 0x0008 });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(wgsl.paramBuffer(i), 0, staging, 0, size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(0x0001);
      const values = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      staging.destroy();
      expect(values).toEqual((await wgsl.readParams())[i]);
      expect(values).not.toEqual(tensors[i].data);
    } finally {
      wgsl.dispose();
    }
  });
});
