// What the GPU benchmarks (bench.mjs, wgslBench.mjs) share: reading their options, the named parameter
// sets with seeded parameters and gradients, the error against a reference run, and writing results to
// $OUT. A relative import, so the GPU kit's esbuild bundles it into each benchmark.
import resnet50 from '../data/resnet50-shapes.json' with { type: 'json' };

/** The value after `--name` on the command line, else `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/**
 * Shapes of a named set, PyTorch layout `[out, in]`: 1M = 1024² + 1024; 16M = 4096² + 4096;
 * 100M = 6 × (4096² + 4096) = 100.7M; resnet50 = its 161 tensors, 25.6M. `option` names the flag it came from.
 */
function shapesOf(set, option) {
  if (set === '1M') return [[1024, 1024], [1024]];
  if (set === '16M') return [[4096, 4096], [4096]];
  if (set === '100M') return Array.from({ length: 6 }, () => [[4096, 4096], [4096]]).flat();
  if (set === 'resnet50') return resnet50.shapes;
  throw new Error(`--${option}: unknown set ${set} (1M, 16M, 100M, resnet50)`);
}

/** `n` values in [−1, 1) from a linear congruential generator: the same for a seed in every run. */
function filled(n, seed) {
  const a = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    a[i] = x / 2 ** 31 - 1;
  }
  return a;
}

/**
 * A named set's shapes, parameter count, parameters (`{ shape, data }`, seeds 100 + i) and one
 * gradient per tensor (seeds 900 + i), reused by every step.
 */
export function parameterSet(set, option) {
  const shapes = shapesOf(set, option);
  const sizes = shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  const params = shapes.map((shape, i) => ({ shape, data: filled(sizes[i], 100 + i) }));
  const grads = sizes.map((n, i) => filled(n, 900 + i));
  return { shapes, sizes, count: sizes.reduce((a, b) => a + b, 0), params, grads };
}

/** Largest max|a−b| / max|b| over the tensors (max|a−b| where b is all zeros). */
export function maxRelError(a, b) {
  let m = 0;
  for (let t = 0; t < a.length; t++) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a[t].length; i++) {
      diff = Math.max(diff, Math.abs(a[t][i] - b[t][i]));
      scale = Math.max(scale, Math.abs(b[t][i]));
    }
    m = Math.max(m, scale === 0 ? diff : diff / scale);
  }
  return m;
}

/** `v` with `digits` decimals, or '—' where there is no value. */
export const fmt = (v, digits) => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** Writes `value` as JSON to $OUT/`file` where $OUT is set (a device run brings $OUT back). */
export async function writeToOut(file, value) {
  if (!process.env.OUT) return;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${process.env.OUT}/${file}`, JSON.stringify(value, null, 2));
}
