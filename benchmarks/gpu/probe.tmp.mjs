import { Adam_GC, SGDW } from '@gcopt/core';
import { acquireWebGpuDevice, createCopyFloor, createWgslOptimizer } from '@gcopt/core/webgpu';
const { device } = await acquireWebGpuDevice();
const idle = () => device.queue.onSubmittedWorkDone();
async function time(run, n = 4) { await run(); await idle(); const t = performance.now(); for (let i = 0; i < n; i++) await run(); await idle(); return ((performance.now() - t) / n).toFixed(1); }
const N = 1 << 20;
const runs = [];
for (const [label, shape, make] of [['centred 1024x1024 l2', [1024, 1024], () => Adam_GC({ lr: 1e-3, weightDecay: 1e-4 })], ['flat 1M (tiled, no GC)', [N], () => Adam_GC({ lr: 1e-3 })]]) {
  const w = await createWgslOptimizer(make(), [{ shape, data: new Float32Array(N).fill(0.5) }], { device });
  const g = [w.gradientBuffer(0)];
  runs.push([label, () => w.step(g, { checkFinite: false })]);
}
const c = createCopyFloor(device, [N], 4, 3); runs.push(['copy 4r3w', () => c.run()]);
const best = {};
for (let rep = 0; rep < 4; rep++) for (const [label, run] of runs) { const t = Number(await time(run, 3)); best[label] = Math.min(best[label] ?? Infinity, t); }
console.log(best);
process.exit(0);
