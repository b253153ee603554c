// One optimizer step (applyGradients; a fresh gradient tensor each step) of tf.train.adam vs @gcopt/tfjs's
// Adam_GC, Adam_GC2 and SGD_GC (and Adam_GC2 without its NaN/Inf check), on the same tfjs backend,
// for 1M and 10M parameters, with each optimizer's default engine (cpu: host, wasm: tensor).
// Baseline and candidates run in this process, timed in turn step after step; the median of the
// timed steps is reported, and its ratio to tf.train.adam's (and the fastest step, less hit by load).
//
//   node benchmarks/tfjs/stepBenchmark.mjs [--backends cpu,wasm] [--sizes 1e6,1e7] [--json out.json]
//
// Needs the built packages (`pnpm install` builds them; else `npx tsc -b packages/tfjs`).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Adam_GC, Adam_GC2, SGD_GC } from '@gcopt/tfjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const backends = arg('backends', 'cpu,wasm').split(',');
const sizes = arg('sizes', '1e6,1e7').split(',').map(Number);
const jsonOut = arg('json', null);

/** A dense kernel [in, out] and its bias, `size` elements in all (roughly). */
function shapesFor(size) {
  const out = size >= 1e7 ? 4000 : 1000;
  const inputs = Math.round(size / out) - 1;
  return [[inputs, out], [out]];
}

const candidates = [
  ['tf.train.adam', () => tf.train.adam(1e-3)],
  ['Adam_GC', () => new Adam_GC({ learningRate: 1e-3 })],
  ['Adam_GC2', () => new Adam_GC2({ learningRate: 1e-3 })],
  ['SGD_GC', () => new SGD_GC({ learningRate: 1e-3, momentum: 0.9 })],
  // the NaN/Inf check: on the tensor engine it reuses GC's channel sums (a sum only for tensors GC
  // skips, the bias here) and reads one number back; on the host engine it is the core's scan
  ['Adam_GC2 unchecked', () => new Adam_GC2({ learningRate: 1e-3, checkFinite: false })],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function useBackend(name) {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(
      join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')), '/') + '/',
    );
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
  await tf.ready();
}

const results = [];
for (const backend of backends) {
  await useBackend(backend);
  for (const size of sizes) {
    const shapes = shapesFor(size);
    const params = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    // tfjs-cpu's own Adam takes seconds a step at 10M; elsewhere more steps steady the median
    const steps = backend === 'cpu' && size >= 1e7 ? 7 : 21;
    const times = new Map(candidates.map(([name]) => [name, []]));
    // all candidates live at once and are timed in turn, round after round, so that load changes on
    // the machine hit them alike; they share the gradient tensors
    const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1e-2, 'float32', 100 + i));
    const runs = candidates.map(([name, make], c) => {
      const vars = shapes.map((s, i) =>
        tf.variable(tf.randomUniform(s, -0.1, 0.1, 'float32', i), true, `bench_${backend}_${size}_${c}_${i}`),
      );
      const map = Object.fromEntries(vars.map((v, i) => [v.name, grads[i]]));
      const optimizer = make();
      optimizer.applyGradients(map); // creates the state
      optimizer.applyGradients(map);
      return { name, vars, map, optimizer };
    });
    for (let s = 0; s < steps; s++) {
      for (const run of runs) {
        // a fresh gradient every step, as in training (wasm's XNNPACK caches work per tensor)
        const fresh = Object.fromEntries(Object.entries(run.map).map(([name, g]) => [name, tf.mul(g, 1)]));
        const t0 = performance.now();
        run.optimizer.applyGradients(fresh);
        run.vars[0].dataSync(); // cpu and wasm run synchronously; this keeps the timing honest on others
        times.get(run.name).push(performance.now() - t0);
        tf.dispose(Object.values(fresh));
      }
    }
    for (const run of runs) {
      run.optimizer.dispose();
      tf.dispose(run.vars);
    }
    tf.dispose(grads);
    const base = median(times.get('tf.train.adam'));
    const baseFastest = Math.min(...times.get('tf.train.adam'));
    for (const [name] of candidates) {
      const ms = median(times.get(name));
      const fastest = Math.min(...times.get(name));
      const row = {
        backend,
        params,
        optimizer: name,
        steps,
        msPerStep: Number(ms.toFixed(2)),
        ratioToTfAdam: Number((ms / base).toFixed(2)),
        fastestMs: Number(fastest.toFixed(2)),
        fastestRatioToTfAdam: Number((fastest / baseFastest).toFixed(2)),
      };
      results.push(row);
      console.log(
        `${backend.padEnd(5)} ${String(params).padStart(9)} params  ${name.padEnd(18)} ` +
          `${ms.toFixed(2).padStart(9)} ms/step  ×${(ms / base).toFixed(2)} of tf.train.adam` +
          `  (fastest ${fastest.toFixed(2)} ms, ×${(fastest / baseFastest).toFixed(2)})`,
      );
    }
  }
}
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        tfjs: tf.version.tfjs,
        loadAverage: os.loadavg(),
        results,
      },
      null,
      2,
    ),
  );
