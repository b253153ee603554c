import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Adam_GC } from '../../src/index.js';
import { createDeviceOptimizer, type DeviceParam } from '../../src/gpu/index.js';
import { requireMode } from './backends.js';

/** A synchronous full GC (the flag set at run time, then a fresh context that sees `gc`). */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const CYCLES = 30;

function params(): DeviceParam[] {
  return [
    { shape: [16, 8], data: new Float32Array(128).fill(0.5) },
    { shape: [16], data: new Float32Array(16).fill(0.1) },
  ];
}
const grads = () => [new Float32Array(128).fill(0.01), new Float32Array(16).fill(0.02)];

function external(): number {
  // a freed WebAssembly.Memory leaves the external count at the second full GC, not the first
  collect();
  collect();
  return process.memoryUsage().external;
}

async function createAndStep() {
  const device = await createDeviceOptimizer(Adam_GC({ lr: 1e-3 }), params(), { backend: 'webasm' });
  await device.step(grads());
  return device;
}

describe('dispose() releases what a device optimizer holds', () => {
  // Each webasm kernel owns a WebAssembly.Memory (external memory, ~1 MB or more), so one device
  // optimizer holds many MB. gpu.js's gpu.destroy() frees them only on a later macrotask; this loop
  // awaits nothing but microtasks (webasm steps are synchronous underneath), as a soak loop does.
  it(
    `webasm: ${CYCLES} create/step/dispose cycles without yielding to timers ` +
      "do not keep the disposed optimizers' wasm memory",
    async () => {
      await requireMode('webasm');
      await createAndStep().then((d) => d.dispose()); // load gpu.js and warm caches outside the measurement
      const idle = external();
      const one = await createAndStep();
      const footprint = external() - idle; // what one live device optimizer holds
      one.dispose();
      expect(footprint).toBeGreaterThan(2 ** 20); // the test measures something real

      const before = external();
      for (let i = 0; i < CYCLES; i++) (await createAndStep()).dispose();
      const growth = external() - before;
      console.log(
        `webasm: one device optimizer holds ${(footprint / 2 ** 20).toFixed(1)} MB external; ` +
          `${CYCLES} disposed cycles grew external by ${(growth / 2 ** 20).toFixed(1)} MB`,
      );
      // leaking, growth is CYCLES × footprint; released, it is about 0 (the bound leaves room for allocator noise)
      expect(growth).toBeLessThan(3 * footprint);
    },
  );
});
