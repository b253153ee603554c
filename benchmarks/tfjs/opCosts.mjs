// What one tf op costs on the wasm backend for a fresh [rows, cols] float32 tensor (a new gradient each
// step): the element-wise ops a tfjs Adam step is made of, and the ways to get GC's per-output-channel
// sums of a channels-last kernel (over the leading axis); each time includes the output's allocation
// and reading one number back. Explains where @gcopt/tfjs's tensor engine
// spends its time beyond tf.train.adam's (benchmarks/RESULTS.md, tfjs section).
//
//   node benchmarks/tfjs/opCosts.mjs [--sizes 1e6,1e7]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const args = process.argv.slice(2);
const i = args.indexOf('--sizes');
const sizes = (i >= 0 ? args[i + 1] : '1e6,1e7').split(',').map(Number);

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')), '/') + '/');
if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to start');
await tf.ready();

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const size of sizes) {
  const cols = size >= 1e7 ? 4000 : 1000;
  const rows = Math.round(size / cols) - 1;
  const base = tf.randomNormal([rows, cols], 0, 1, 'float32', 1);
  const other = tf.randomUniform([rows, cols], 0.5, 1, 'float32', 2);
  const row = tf.randomNormal([1, cols], 0, 1, 'float32', 3);
  const ops = {
    'mul by a number': (g) => tf.mul(g, 0.9),
    'add (same shape)': (g) => tf.add(g, other),
    'div (same shape)': (g) => tf.div(g, other),
    square: (g) => tf.square(g),
    'sqrt (of a positive tensor)': () => tf.sqrt(other),
    'sub a [1,cols] row (broadcast)': (g) => tf.sub(g, row),
    'sum of all': (g) => tf.sum(g),
    'mean over axis 0 (was GC)': (g) => tf.mean(g, 0, true),
    'matMul(g, ones[rows,1], transposeA) (GC now)': (g) => tf.matMul(g, tf.ones([rows, 1]), true, false),
    'matMul(ones[1,rows], g)': (g) => tf.matMul(tf.ones([1, rows]), g),
  };
  const rounds = size >= 1e7 ? 9 : 21;
  const times = new Map(Object.keys(ops).map((k) => [k, []]));
  for (let r = 0; r < rounds + 2; r++) {
    for (const [name, op] of Object.entries(ops)) {
      const g = tf.mul(base, 1); // fresh, as a gradient is
      const t0 = performance.now();
      const out = op(g);
      tf.tidy(() => tf.slice(tf.reshape(out, [-1]), 0, 1).dataSync()); // wait, reading one number only
      const ms = performance.now() - t0;
      if (r >= 2) times.get(name).push(ms);
      tf.dispose([g, out]);
    }
  }
  console.log(`wasm, [${rows}, ${cols}] (${rows * cols} elements), median of ${rounds}:`);
  for (const [name, ts] of times) console.log(`  ${name.padEnd(46)} ${median(ts).toFixed(2).padStart(8)} ms`);
  tf.dispose([base, other, row]);
}
