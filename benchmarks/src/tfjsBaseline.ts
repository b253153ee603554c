import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import type { BenchData } from './data.js';
import type { RunResult } from './gcoptRunners.js';
import type { BenchOptimizer } from './optimizers.js';
import type { ParamSet } from './paramSets.js';
import { timeSteps, type Schedule } from './timing.js';

export type TfBackend = 'cpu' | 'wasm';

/** Switches tfjs to `name` (importing @tensorflow/tfjs-backend-wasm registered the wasm backend). */
export async function useTfBackend(name: TfBackend): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
  if (name === 'wasm') {
    const threads = (tfWasm as unknown as { getThreadsCount?: () => number }).getThreadsCount?.();
    return `tfjs ${tf.version.tfjs} wasm${threads ? ` (${threads} thread${threads > 1 ? 's' : ''})` : ''}`;
  }
  return `tfjs ${tf.version.tfjs} cpu`;
}

/**
 * GC with tf ops: `x − mean(x, axes 1.., keepDims)` when rank > k (docs/ALGORITHMS.md §1; PyTorch layout,
 * axis 0 out).
 */
function centralize(x: tf.Tensor, k: number): tf.Tensor {
  if (x.rank <= k) return x;
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return x.sub(x.mean(axes, true));
}

/**
 * The tfjs baseline: tf.train.adam / tf.train.momentum with GC done by tf ops on the gradient
 * (Adam_GC, SGD_GC, plain Adam), and the variants tf.train has no optimizer for (GC on the update,
 * first-release AdamW, Adagrad with eps outside the sqrt) written as tf ops from docs/ALGORITHMS.md §2.3–2.5.
 */
export async function runTfjs(
  set: ParamSet,
  opt: BenchOptimizer,
  data: BenchData,
  schedule: Schedule,
): Promise<RunResult> {
  const vars = set.shapes.map((shape, i) => tf.variable(tf.tensor(data.init[i], shape, 'float32'), true, `p${i}`));
  const grads = set.shapes.map((shape, i) => tf.tensor(data.grads[i], shape, 'float32'));
  const extra: tf.Variable[] = [];
  const zeros = (fill = 0) =>
    vars.map((v) => {
      const z = tf.variable(tf.fill(v.shape, fill, 'float32'), false);
      extra.push(z);
      return z;
    });
  const k = opt.kwargs;
  let step: () => void;
  let optimizer: tf.Optimizer | undefined;
  const apply = (direction: (g: tf.Tensor, p: tf.Variable) => tf.Tensor) => () =>
    tf.tidy(() => optimizer!.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: direction(grads[i], v) }))));
  let t = 0;
  switch (opt.name) {
    case 'SGD_GC':
      optimizer = tf.train.momentum(k.lr, k.momentum);
      step = apply((g, p) => centralize(k.weight_decay ? g.add(p.mul(k.weight_decay)) : g, 1));
      break;
    case 'Adam_GC':
      optimizer = tf.train.adam(k.lr, 0.9, 0.999, 1e-8);
      step = apply((g) => centralize(g, 1));
      break;
    case 'Adam':
      optimizer = tf.train.adam(k.lr, 0.9, 0.999, 1e-8);
      step = apply((g) => g);
      break;
    case 'Adam_GCC2':
    case 'AdamW_GC2': {
      const m = zeros();
      const v = zeros();
      const [b1, b2, eps, wd] = [0.9, 0.999, 1e-8, k.weight_decay ?? 0];
      const adamW = opt.name === 'AdamW_GC2';
      step = () => {
        t++;
        const bc1 = 1 - b1 ** t;
        const bc2 = 1 - b2 ** t;
        tf.tidy(() =>
          vars.forEach((p, i) => {
            const g = grads[i];
            m[i].assign(m[i].mul(b1).add(g.mul(1 - b1)));
            v[i].assign(v[i].mul(b2).add(g.square().mul(1 - b2)));
            const u = adamW
              ? m[i]
                  .div(v[i].sqrt().add(eps))
                  .add(p.mul(wd))
                  .mul((k.lr * Math.sqrt(bc2)) / bc1)
              : m[i].div(v[i].sqrt().div(Math.sqrt(bc2)).add(eps)).mul(k.lr / bc1);
            p.assign(p.sub(centralize(u, adamW ? 1 : 3)));
          }),
        );
      };
      break;
    }
    case 'Adagrad_GC': {
      const sum = zeros(k.initial_accumulator_value ?? 0);
      const eps = 1e-10;
      step = () => {
        t++;
        const clr = k.lr / (1 + (t - 1) * (k.lr_decay ?? 0));
        tf.tidy(() =>
          vars.forEach((p, i) => {
            const d = centralize(k.weight_decay ? grads[i].add(p.mul(k.weight_decay)) : grads[i], 1);
            sum[i].assign(sum[i].add(d.square()));
            p.assign(p.sub(d.div(sum[i].sqrt().add(eps)).mul(clr)));
          }),
        );
      };
      break;
    }
    default:
      throw new Error(`no tfjs baseline for ${opt.name}`);
  }
  try {
    const samples = timeSteps(step, schedule);
    const final = vars.map((v) => (v.dataSync() as Float32Array).slice());
    return { samples, final };
  } finally {
    optimizer?.dispose();
    for (const x of [...vars, ...grads, ...extra]) x.dispose();
  }
}
