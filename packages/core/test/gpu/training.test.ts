import { describe, expect, it } from 'vitest';
import { Adam_GC2, SGD_GC, type Optimizer } from '../../src/index.js';
import { createDeviceOptimizer, type DeviceBackend } from '../../src/gpu/index.js';
import { requireMode } from './backends.js';
import { mlp } from './mlp.js';

async function train(mode: DeviceBackend, make: () => Optimizer, steps: number): Promise<number[]> {
  const model = mlp();
  const init = model.init();
  const device = await createDeviceOptimizer(
    make(),
    model.shapes.map((shape, i) => ({ shape, data: init[i] })),
    { backend: mode },
  );
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      // the forward/backward pass runs on the host: parameters are read back for it, state never is
      const { loss, grads } = model.lossAndGrads(await device.readParams());
      losses.push(loss);
      await device.step(grads);
    }
  } finally {
    device.dispose();
  }
  return losses;
}

describe('training a raw MLP for 100 steps with state on the device', () => {
  it.for([
    ['Adam_GC2', () => Adam_GC2({ lr: 1e-2, weightDecay: 1e-4 })],
    ['SGD_GC', () => SGD_GC({ lr: 0.05, momentum: 0.9 })],
  ] as const)('%s on webgpu gives the losses of the js path to 1e-4 relative', async ([name, make], { skip }) => {
    if (!(await requireMode('webgpu'))) return skip();
    const js = await train('js', make, 100);
    const gpu = await train('webgpu', make, 100);
    expect(js[99]).toBeLessThan(js[0] * 0.5); // it learns
    let worst = 0;
    for (let s = 0; s < 100; s++) worst = Math.max(worst, Math.abs(gpu[s] - js[s]) / Math.abs(js[s]));
    console.log(
      `${name}: loss ${js[0].toPrecision(4)} → ${js[99].toPrecision(4)}, ` +
        `worst relative loss difference webgpu vs js ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});
