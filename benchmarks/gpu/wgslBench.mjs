// Benchmark of @gcopt/core/webgpu: the fused WGSL optimizer step against a WGSL copy kernel that
// moves the same bytes per parameter on the same adapter (the floor), in one process.
//
//   node benchmarks/gpu/wgslBench.mjs [--sets 1M,resnet50,100M] [--optimizers Adam_GC,Adam,SGD_GC]
//                                     [--steps 10] [--verify-max 30000000] [--row-reduction workgroup|invocation]
//
// Per set and optimizer: the state and the gradients stay on the device (each tensor's gradient is
// written once into the optimizer's gradient buffer and passed as a GPUBuffer every step), with the
// device NaN/Inf check on ('check') and off ('no check'). Reported:
// - ms/step: wall time of STEPS − WARMUP steps submitted back to back, until the queue is idle;
// - submits/step: counted by wrapping the device queue's submit() during the timed steps;
// - B/param: what the step's shaders read and write per parameter (4 per float32 load or store, as
//   they are written: WgslOptimizer.bytesPerParam), and in brackets the floor's: each array the step
//   needs read or written once (Adam_GC: p, g, m, v in, p, m, v out = 28; + 4 for the device check);
// - floor ms, × floor: a copy kernel moving the floor's bytes over the same tensors, one dispatch per
//   tensor, one submit, same workgroup shape; the ratio step/floor is the goal's measure;
// - max rel. err: the parameters after all steps against the core's typed-array path (sets up to
//   --verify-max parameters), max|a−b|/max|b| per tensor.
// On an NVIDIA adapter it also prints the PyTorch figures of the issue (H200) for comparison.
// For a GPU machine: benchmarks/gpu/pack-wgsl-bench.sh KIT_DIR (the GPU kit), then
// bash .gpu/remote.sh wgslBench.mjs … (see benchmarks/RESULTS.md); results also go to $OUT.
import ndarray from 'ndarray';
import { Adam, Adam_GC, SGD_GC } from '@gcopt/core';
import { acquireWebGpuDevice, createCopyFloor, createWgslOptimizer, wgslRuleOf } from '@gcopt/core/webgpu';
import { arg, fmt, maxRelError, parameterSet, writeToOut } from './benchSetup.mjs';

const SETS = arg('sets', '1M,resnet50').split(',');
const OPTIMIZERS = arg('optimizers', 'Adam_GC').split(',');
const STEPS = Number(arg('steps', '10'));
const VERIFY_MAX = Number(arg('verify-max', '30000000'));
const ROW_REDUCTION = arg('row-reduction', undefined); // 'workgroup' | 'invocation'; default: by adapter
const WARMUP = 2;

const MAKERS = {
  Adam_GC: () => Adam_GC({ lr: 1e-3, weightDecay: 1e-4 }), // GC of the L2-augmented gradient, then Adam
  Adam: () => Adam({ lr: 1e-3 }), // advanced Adam without GC: PyTorch's fused Adam does the same work
  Adam_GC2: () => Adam({ lr: 1e-3, useGc: true }), // advanced Adam, GC of the update
  SGD_GC: () => SGD_GC({ lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }),
};

/** PyTorch 2.11 on an NVIDIA H200 (the figures), ms per step. */
const PYTORCH_H200 = {
  '100M': { 'fused Adam, no GC': 0.81, 'foreach GC + fused Adam': 1.26, "the reference's Adam_GC": 2.62 },
  resnet50: { 'fused Adam, no GC': 0.43, 'foreach GC + fused Adam': 1.22 },
};

const { device, adapterName, software } = await acquireWebGpuDevice();
const nvidia = /nvidia/i.test(adapterName);
console.log(
  `adapter: ${adapterName}${software ? ' (software)' : ''}; ${STEPS - WARMUP} timed steps after ${WARMUP} warm-up`,
);
let submits = 0;
const submit = device.queue.submit.bind(device.queue);
device.queue.submit = (buffers) => {
  submits++;
  return submit(buffers);
};
const idle = () => device.queue.onSubmittedWorkDone();

/** Wall time per call of `run` over STEPS − WARMUP calls, and submits per call. */
async function timed(run) {
  for (let s = 0; s < WARMUP; s++) await run();
  await idle();
  const before = submits;
  const start = performance.now();
  for (let s = WARMUP; s < STEPS; s++) await run();
  await idle();
  const ms = (performance.now() - start) / (STEPS - WARMUP);
  return { ms, submitsPerStep: (submits - before) / (STEPS - WARMUP) };
}

const rows = [];
for (const set of SETS) {
  const { sizes, count, params, grads } = parameterSet(set, 'sets');
  for (const name of OPTIMIZERS) {
    const make = MAKERS[name];
    if (!make) throw new Error(`--optimizers: unknown ${name} (${Object.keys(MAKERS)})`);
    let reference = null;
    if (count <= VERIFY_MAX) {
      // the core's typed-array path, same steps, same gradients
      const core = make();
      const coreParams = params.map((p) => ({ value: ndarray(p.data.slice(), p.shape) }));
      const state = core.init(coreParams);
      for (let s = 0; s < STEPS; s++) core.stepInPlace(coreParams, grads, state);
      reference = coreParams.map((p) => p.value.data);
    }
    for (const checkFinite of [true, false]) {
      const wgsl = await createWgslOptimizer(make(), params, { device, rowReduction: ROW_REDUCTION });
      grads.forEach((g, i) => device.queue.writeBuffer(wgsl.gradientBuffer(i), 0, g));
      const onDevice = params.map((_, i) => wgsl.gradientBuffer(i));
      const step = await timed(() => wgsl.step(onDevice, { checkFinite }));
      await wgsl.finish();
      const err = reference ? maxRelError(await wgsl.readParams(), reference) : null;
      const bytes = wgsl.bytesPerParam(checkFinite);
      const dispatches = wgsl.lastDispatches;
      const rowReduction = wgsl.rowReduction;
      wgsl.dispose();
      // the floor: a copy kernel moving the bytes the step cannot do without (each array it reads or
      // writes once; the check's read of g included when on), however many the kernels move
      const floorBytes = wgslRuleOf(make()).bytesPerParam + (checkFinite ? 4 : 0);
      const writes = 1 + (floorBytes >= 28 ? 2 : floorBytes >= 20 ? 1 : 0);
      const reads = Math.round(floorBytes / 4) - writes;
      let floor = null;
      if (reads + writes <= 8 && reads >= writes) {
        const copy = createCopyFloor(device, sizes, reads, writes);
        floor = await timed(() => copy.run());
        copy.dispose();
      }
      const row = {
        set,
        optimizer: name,
        check: checkFinite,
        rowReduction,
        params: count,
        msPerStep: step.ms,
        submitsPerStep: step.submitsPerStep,
        dispatchesPerStep: dispatches,
        bytesPerParam: bytes,
        floorBytesPerParam: floorBytes,
        floorMs: floor?.ms ?? null,
        overFloor: floor ? step.ms / floor.ms : null,
        gbPerS: (bytes * count) / (step.ms / 1000) / 1e9,
        maxRelErrorVsCore: err,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}

console.log(`\nWGSL fused step vs WGSL copy kernel of the same bytes (${adapterName})`);
console.log(
  '| set | optimizer | check | rows per | params | ms/step | floor ms | × floor | B/param (floor) | submits/step ' +
    '| dispatches/step | GB/s | max rel. err vs core |',
);
console.log('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.set} | ${r.optimizer} | ${r.check ? 'device check' : 'no check'} | ${r.rowReduction} | ` +
      `${(r.params / 1e6).toFixed(1)}M | ${fmt(r.msPerStep, 3)} | ${fmt(r.floorMs, 3)} | ${fmt(r.overFloor, 2)} | ` +
      `${fmt(r.bytesPerParam, 1)} (${r.floorBytesPerParam}) | ${r.submitsPerStep} | ${r.dispatchesPerStep} | ` +
      `${fmt(r.gbPerS, 1)} | ${r.maxRelErrorVsCore === null ? '—' : r.maxRelErrorVsCore.toExponential(1)} |`,
  );
}
if (nvidia) {
  console.log('\nPyTorch 2.11 on an NVIDIA H200 (issue figures), ms/step:');
  for (const [set, figures] of Object.entries(PYTORCH_H200)) {
    const ours = rows.filter((r) => r.set === set && r.optimizer === 'Adam_GC');
    const line = Object.entries(figures)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ');
    console.log(
      `${set}: ${line}; gcopt WGSL Adam_GC ` +
        (ours.map((r) => `${fmt(r.msPerStep, 3)} (${r.check ? 'check' : 'no check'})`).join(', ') || 'not run'),
    );
  }
}
await writeToOut('wgsl-bench.json', {
  date: new Date().toISOString(),
  adapter: adapterName,
  steps: STEPS,
  warmup: WARMUP,
  rows,
});
process.exit(0);
