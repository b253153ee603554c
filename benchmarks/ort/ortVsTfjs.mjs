// Training speed: @gcopt/onnxruntime (gradient model on onnxruntime-node / onnxruntime-web wasm,
// Adam_GC2 from @gcopt/float32) against TensorFlow.js model.fit (Adam) on the cpu and wasm backends,
// for the same two networks, in one process:
//   MLP  784-256(ReLU)-10, batch 64
//   CNN  conv 8@3x3 same, ReLU, maxpool 2, conv 16@3x3 same, ReLU, maxpool 2, dense 10 (the
//        examples/ort-mnist-cnn network), batch 32
// Inputs are real MNIST digits. Each runner trains `steps` consecutive batches after a warm-up
// pass; the time per step is the median of `repeats` such passes divided by `steps`. An MNIST CNN
// epoch (8,000 training digits = 250 batches of 32) is timed directly for the ORT runners and, for
// tfjs (whose cpu conv backward takes seconds per step), extrapolated from the measured step time.
//
//   node benchmarks/ort/ortVsTfjs.mjs [--steps 10] [--repeats 3] [--tfjs-cpu-cnn-steps 2] [--json out.json]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as ortWeb from 'onnxruntime-web';
import { buildGradientModel, layers, OrtTrainer } from '@gcopt/onnxruntime';
import { loadDigits } from '@gcopt/mnist-data';

const require = createRequire(import.meta.url);
const ortNode = require('onnxruntime-node');
ortWeb.env.wasm.numThreads = 1;

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const STEPS = Number(arg('steps', '10'));
const REPEATS = Number(arg('repeats', '3'));
const TFJS_CPU_CNN_STEPS = Number(arg('tfjs-cpu-cnn-steps', '2'));
const EPOCH_DIGITS = 8000;

const { train } = loadDigits({ testCount: 2000 });

const networks = {
  mlp: {
    batch: 64,
    spec: {
      input: [784],
      layers: [layers.dense({ units: 256 }), layers.relu(), layers.dense({ units: 10 })],
      loss: 'softmaxCrossEntropy',
      seed: 1,
    },
    tfjs: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 10 }),
        ],
      }),
    tfjsShape: (n) => [n, 784],
  },
  cnn: {
    batch: 32,
    spec: {
      input: [1, 28, 28],
      layers: [
        layers.conv2d({ filters: 8, kernel: 3, padding: 'same' }),
        layers.relu(),
        layers.maxPool({ size: 2 }),
        layers.conv2d({ filters: 16, kernel: 3, padding: 'same' }),
        layers.relu(),
        layers.maxPool({ size: 2 }),
        layers.flatten(),
        layers.dense({ units: 10 }),
      ],
      loss: 'softmaxCrossEntropy',
      seed: 1,
    },
    tfjs: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10 }),
        ],
      }),
    tfjsShape: (n) => [n, 28, 28, 1],
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const slice = (count) => ({
  input: train.images.subarray(0, count * 784),
  labels: train.labels.subarray(0, count),
  count,
});

async function timeOrt(ort, net, steps) {
  const built = buildGradientModel(net.spec);
  const trainer = new OrtTrainer({
    gradientModel: built.gradientModel,
    ort,
    optimizer: { name: 'Adam_GC2', lr: 1e-3 },
    params: built.params,
  });
  const data = slice(net.batch * steps);
  await trainer.trainEpoch(slice(net.batch * 2), { batchSize: net.batch }); // warm-up: session creation, first runs
  const times = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    await trainer.trainEpoch(data, { batchSize: net.batch });
    times.push((performance.now() - start) / steps);
  }
  // The ONNX Runtime share of a step: the gradient model alone, same batch size, same session options.
  const session = await ort.InferenceSession.create(built.gradientModel, { logSeverityLevel: 3 });
  const feeds = {
    input: new ort.Tensor('float32', data.input.slice(0, net.batch * 784), [net.batch, ...net.spec.input]),
  };
  const oneHot = new Float32Array(net.batch * 10);
  for (let n = 0; n < net.batch; n++) oneHot[n * 10 + data.labels[n]] = 1;
  feeds.labels = new ort.Tensor('float32', oneHot, [net.batch, 10]);
  for (const p of trainer.params) feeds[p.name] = new ort.Tensor('float32', p.data, p.shape);
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const runTimes = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await session.run(feeds);
    runTimes.push((performance.now() - start) / steps);
  }
  await session.release();
  return { trainer, msPerStep: median(times), ortRunMs: median(runTimes) };
}

async function timeTfjs(backend, net, steps) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = net.tfjs();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (y, logits) => tf.losses.softmaxCrossEntropy(y, logits) });
  const count = net.batch * steps;
  const xs = tf.tensor(train.images.subarray(0, count * 784), net.tfjsShape(count));
  const ys = tf.oneHot(tf.tensor1d(train.labels.subarray(0, count), 'int32'), 10).toFloat();
  const warm = Math.min(count, net.batch);
  await model.fit(xs.slice(0, warm), ys.slice(0, warm), {
    batchSize: net.batch,
    epochs: 1,
    shuffle: false,
    verbose: 0,
  });
  const times = [];
  const repeats = backend === 'cpu' && net === networks.cnn ? 1 : REPEATS;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await model.fit(xs, ys, { batchSize: net.batch, epochs: 1, shuffle: false, verbose: 0 });
    times.push((performance.now() - start) / steps);
  }
  tf.dispose([xs, ys]);
  model.dispose();
  return { msPerStep: median(times), repeats };
}

const require2 = createRequire(import.meta.url);
setWasmPaths(join(dirname(require2.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')), '/') + '/');

const results = {
  machine: `${os.cpus()[0].model} (${os.cpus().length} cores), Node ${process.version}`,
  steps: STEPS,
  repeats: REPEATS,
  rows: [],
};
// Other processes on the machine slow every runner; the load average is printed so a run can be judged.
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`Machine: ${results.machine}; load average at start ${load()}`);
results.loadAtStart = load();
for (const [name, net] of Object.entries(networks)) {
  console.log(
    `\n${name.toUpperCase()} (batch ${net.batch}): ms per training step (forward + backward + optimizer update)`,
  );
  const rows = [];
  const node = await timeOrt(ortNode, net, STEPS);
  rows.push({ runner: 'gcopt + onnxruntime-node (Adam_GC2)', msPerStep: node.msPerStep, ortRunMs: node.ortRunMs });
  const web = await timeOrt(ortWeb, net, STEPS);
  rows.push({
    runner: 'gcopt + onnxruntime-web wasm, 1 thread (Adam_GC2)',
    msPerStep: web.msPerStep,
    ortRunMs: web.ortRunMs,
  });
  let wasm;
  try {
    wasm = await timeTfjs('wasm', net, STEPS);
    rows.push({ runner: 'tfjs-wasm model.fit (Adam)', msPerStep: wasm.msPerStep });
  } catch (error) {
    // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: it cannot train a conv layer.
    rows.push({ runner: 'tfjs-wasm model.fit (Adam)', msPerStep: NaN, error: String(error.message ?? error) });
  }
  const cpuSteps = name === 'cnn' ? TFJS_CPU_CNN_STEPS : STEPS;
  const cpu = await timeTfjs('cpu', net, cpuSteps);
  rows.push({
    runner: `tfjs-cpu model.fit (Adam)${name === 'cnn' ? ` [${cpuSteps} steps, ${cpu.repeats} pass]` : ''}`,
    msPerStep: cpu.msPerStep,
  });
  const baseline = cpu.msPerStep;
  for (const r of rows) {
    r.speedupVsTfjsCpu = baseline / r.msPerStep;
    if (r.error) console.log(`  ${r.runner.padEnd(58)} cannot train it: ${r.error}`);
    else
      console.log(
        `  ${r.runner.padEnd(58)} ${r.msPerStep.toFixed(2).padStart(9)} ms   ` +
          `${r.speedupVsTfjsCpu.toFixed(1).padStart(7)}x vs tfjs-cpu` +
          `${r.ortRunMs === undefined ? '' : `   (gradient model alone ${r.ortRunMs.toFixed(2)} ms)`}`,
      );
  }
  results.rows.push({ network: name, batch: net.batch, rows });
  if (name === 'cnn') {
    // A whole MNIST epoch, timed, for both ORT runtimes; tfjs extrapolated from its measured step time.
    const epoch = {};
    for (const [label, trainer] of [
      ['onnxruntime-node', node.trainer],
      ['onnxruntime-web', web.trainer],
    ]) {
      const start = performance.now();
      await trainer.trainEpoch(slice(EPOCH_DIGITS), { batchSize: net.batch });
      epoch[label] = (performance.now() - start) / 1000;
    }
    const steps = Math.ceil(EPOCH_DIGITS / net.batch);
    epoch['tfjs-cpu (extrapolated)'] = (cpu.msPerStep * steps) / 1000;
    if (wasm) epoch['tfjs-wasm (extrapolated)'] = (wasm.msPerStep * steps) / 1000;
    console.log(`\nMNIST CNN epoch (${EPOCH_DIGITS} digits, ${steps} steps of ${net.batch}):`);
    for (const [label, s] of Object.entries(epoch)) {
      console.log(
        `  ${label.padEnd(28)} ${s.toFixed(1).padStart(8)} s   ` +
          `${(epoch['tfjs-cpu (extrapolated)'] / s).toFixed(1).padStart(7)}x vs tfjs-cpu model.fit`,
      );
    }
    results.cnnEpochSeconds = epoch;
  }
}
console.log(`\nload average at end ${load()}`);
results.loadAtEnd = load();
const jsonOut = arg('json', '');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
