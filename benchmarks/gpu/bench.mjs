// GPU benchmark of @gcopt/core/gpu: one GC+Adam step (Adam_GC: GC on the gradient, then Adam) per
// backend, for 1M, 16M and 100M parameters, with the state on the device and with upload/readback.
//
//   node benchmarks/gpu/bench.mjs [--modes js,webasm,webgpu] [--sizes 1M,16M] [--steps 6]
//
// Placements: 'device' (tensors packed by row width, one device gradient per packed array:
// stepSlabs), 'device, per-tensor' (one array set and one device gradient per tensor),
// 'upload+readback' (Float32Array gradients uploaded and all parameters read back every step).
//
// The baseline is the core's typed-array path (`js`), run in the same process on the same model and
// gradients; every backend's parameters after the same steps are compared with it (max rel. error).
// GB/s counts 32 B/param: Adam reads p, g, m, v and writes p, m, v (28 B), GC reads g once more (+4).
// Run on a software adapter here (lavapipe: sh packages/core/scripts/provision-lavapipe.sh node …),
// on a GPU machine bundled with its dependencies (results also go to $OUT/gpu-bench.json).
import { Adam_GC } from '@gcopt/core';
import { createDeviceOptimizer, loadGpuJs, probeBackend } from '@gcopt/core/gpu';
import { arg, fmt, maxRelError, parameterSet, writeToOut } from './benchSetup.mjs';

const MODES = arg('modes', 'js,webasm,webgpu').split(',');
const SIZES = arg('sizes', '1M,16M').split(',');
const STEPS = Number(arg('steps', '6'));
const WARMUP = 2;
const BYTES_PER_PARAM = 32;

const optimizer = () => Adam_GC({ lr: 1e-3, weightDecay: 1e-4 });

/** Runs STEPS steps; times the ones after WARMUP (finish() waits for the device). */
async function timeSteps(device, stepOnce) {
  let start = 0;
  for (let s = 0; s < STEPS; s++) {
    if (s === WARMUP) {
      await device.finish();
      start = performance.now();
    }
    await stepOnce();
  }
  await device.finish();
  return (performance.now() - start) / (STEPS - WARMUP);
}

const rows = [];
const report = { date: new Date().toISOString(), steps: STEPS, warmup: WARMUP, adapters: {}, rows };
for (const mode of MODES) {
  const probe = await probeBackend(mode);
  report.adapters[mode] = probe.reason;
  console.log(`${mode}: ${probe.available ? '' : 'UNAVAILABLE '}${probe.reason}`);
}

for (const size of SIZES) {
  const { count, params, grads } = parameterSet(size, 'sizes');
  let baseline = null;
  for (const mode of MODES) {
    if (!(await probeBackend(mode)).available) continue;
    for (const placement of mode === 'js' ? ['host'] : ['device', 'device, per-tensor', 'upload+readback']) {
      let device;
      let gpu;
      let ms;
      try {
        if (placement === 'upload+readback' || mode === 'js') {
          // gradients arrive as Float32Arrays every step and the parameters are read back every step
          device = await createDeviceOptimizer(optimizer(), params, { backend: mode });
          ms = await timeSteps(device, async () => {
            await device.step(grads);
            if (mode !== 'js') await device.readParams();
          });
        } else {
          // gradients produced on the device (here once, by copy kernels) and parameters left there:
          // 'device' packs tensors of one row width into shared arrays and takes one gradient per
          // array (stepSlabs); 'device, per-tensor' keeps one array set per tensor
          const perTensor = placement === 'device, per-tensor';
          device = await createDeviceOptimizer(optimizer(), params, {
            backend: mode,
            packing: perTensor ? 'per-tensor' : 'by-width',
          });
          const { GPU, input } = await loadGpuJs();
          gpu = new GPU({ mode });
          const copy = (host, output) =>
            gpu.createKernel(
              function (a) {
                return a[this.thread.y][this.thread.x];
              },
              { output, pipeline: true, precision: 'single' },
            )(input(host, output));
          const onDevice = [];
          if (perTensor) {
            for (let i = 0; i < params.length; i++) onDevice.push(await copy(grads[i], device.deviceShape(i)));
          } else {
            for (const slab of device.slabs) {
              const host = new Float32Array(slab.shape[0] * slab.shape[1]);
              // PyTorch layout: nothing transposed
              for (const t of slab.tensors) host.set(grads[t.index], t.rowOffset * slab.shape[0]);
              onDevice.push(await copy(host, slab.shape));
            }
          }
          ms = await timeSteps(device, () => (perTensor ? device.step(onDevice) : device.stepSlabs(onDevice)));
        }
        const finalParams = await device.readParams();
        if (mode === 'js') baseline = { ms, params: finalParams };
        const row = {
          mode,
          placement,
          params: count,
          msPerStep: ms,
          gbPerS: (BYTES_PER_PARAM * count) / (ms / 1000) / 1e9,
          speedupVsJs: baseline ? baseline.ms / ms : null,
          maxRelErrorVsJs: baseline ? maxRelError(finalParams, baseline.params) : null,
          // compute dispatches, plus one gradient upload per packed array when gradients come from the host
          dispatchesPerStep: device.dispatchesPerStep + (placement === 'upload+readback' ? device.slabs.length : 0),
          kernelModes: device.kernelModes().join(','),
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      } catch (e) {
        rows.push({ mode, placement, params: count, error: String(e.message ?? e).split('\n')[0] });
        console.log(`${mode} ${placement} ${size}: FAILED ${String(e.message ?? e).split('\n')[0]}`);
      } finally {
        device?.dispose();
        gpu?.destroy();
      }
    }
  }
}

console.log(
  `\nGC+Adam step (Adam_GC), ${STEPS - WARMUP} timed steps after ${WARMUP} warm-up; GB/s at ${BYTES_PER_PARAM} B/param`,
);
console.log('| mode | state | params | ms/step | GB/s | × js | max rel. err vs js | dispatches/step |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.error)
    console.log(`| ${r.mode} | ${r.placement} | ${(r.params / 1e6).toFixed(1)}M | failed: ${r.error} | | | | |`);
  else
    console.log(
      `| ${r.mode} | ${r.placement} | ${(r.params / 1e6).toFixed(1)}M | ` +
        `${fmt(r.msPerStep, 2)} | ${fmt(r.gbPerS, 2)} | ` +
        `${fmt(r.speedupVsJs, 2)} | ${r.maxRelErrorVsJs === null ? '—' : r.maxRelErrorVsJs.toExponential(1)} | ` +
        `${r.dispatchesPerStep} |`,
    );
}
await writeToOut('gpu-bench.json', report);
process.exit(0);
