import { describe, expect, it } from 'vitest';
import { Adam_GC2, SGD_GC } from '../../src/index.js';
import { createDeviceOptimizer } from '../../src/gpu/index.js';
import { requireMode } from './backends.js';
import { coreReference, filled, normRelativeError, random } from './helpers.js';

/**
 * 4100 × 4100 = 16,810,000 elements > 2^24: a flat index held in float32 can no longer name every
 * element (the symptom: errors of ~160 at 8192²). Rows are reached as (thread.y, thread.x) instead.
 */
describe('a tensor of more than 2^24 elements', () => {
  const shape = [4100, 4100];
  const size = shape[0] * shape[1];

  it.for([
    ['SGD_GC', () => SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-2 })],
    ['Adam_GC2', () => Adam_GC2({ lr: 1e-2 })],
  ] as const)('webgpu %s matches the core on every element', async ([, make], { skip }) => {
    expect(size).toBeGreaterThan(2 ** 24);
    if (!(await requireMode('webgpu'))) return skip();
    const rnd = random(21);
    // the value depends on the position, so an element read from the wrong index shows
    const params = [{ shape, data: filled(size, rnd, 0, 1) }];
    for (let i = 0; i < size; i += 4099) params[0].data[i] = (i % 977) / 97;
    const device = await createDeviceOptimizer(make(), params, { backend: 'webgpu' });
    const reference = coreReference(make(), params);
    try {
      for (let s = 0; s < 2; s++) {
        const grad = filled(size, rnd);
        await device.step([grad]);
        reference.step([grad]);
      }
      const [ours] = await device.readParams();
      expect(normRelativeError(ours, reference.params()[0])).toBeLessThanOrEqual(1e-5);
      const state = await device.readState();
      for (const [slot, values] of Object.entries(reference.state.tensors[0].slots)) {
        expect(normRelativeError(state.tensors[0].slots[slot], values), slot).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      device.dispose();
    }
  });
});
