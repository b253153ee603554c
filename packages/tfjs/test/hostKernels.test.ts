// The host backend's kernels: @gcopt/core/fast's fused WebAssembly SIMD kernels by default where the
// recipe is fused, within the fast path's bound of the core; the core where it is not (reported once);
// hostKernels: 'core' for the core bit for bit, 'fast' to insist.
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, NonFiniteGradientError, type Family } from '@gcopt/core';
import { type GcOptimizer, optimizerByName, optimizerFromConfig } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';

/** The fast path's bound against the core (its golden replays' float32 tolerance). */
const FAST_PATH_BOUND = 1e-5;
const STEPS = 5;
/** A conv kernel in tfjs layout, a PyTorch-layout weight (output axis 0) and a bias. */
const SHAPES: Record<string, { shape: number[]; outAxis: number }> = {
  kernel: { shape: [2, 2, 3, 4], outAxis: -1 },
  weight: { shape: [6, 10], outAxis: 0 },
  bias: { shape: [6], outAxis: 0 },
};
const CASES: [string, Record<string, unknown>, Family][] = [
  ['SGD_GC', { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 }, 'first_release'],
  ['Adam_GC2', { lr: 1e-2 }, 'first_release'],
  ['AdamW_GCC2', { lr: 1e-2, weightDecay: 1e-2 }, 'first_release'],
  ['Adagrad_GC', { lr: 0.05 }, 'first_release'],
  ['Adam', { lr: 1e-2, useGc: true, amsgrad: true }, 'advanced'],
];

let serial = 0;

interface Run {
  readonly weights: Float32Array[];
  readonly optimizer: GcOptimizer;
}

/** STEPS steps on fresh variables; the bias has no gradient on step 3. */
function train(name: string, options: Record<string, unknown>, family: Family, step = STEPS): Run {
  const id = `hk${serial++}`;
  const random = seeded(11);
  const entries = Object.entries(SHAPES);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const vars = entries.map(([k, { shape }]) =>
    tf.variable(tf.tensor(randomArray(size(shape), random), shape), true, `${id}/${k}`),
  );
  const variables = entries.map(([k, { outAxis }]) => ({ name: `${id}/${k}`, outAxis }));
  const optimizer = optimizerByName(name, { ...options, backend: 'host', variables }, family);
  for (let t = 1; t <= step; t++) {
    const grads = Object.fromEntries(
      vars
        .filter((v) => !(t === 3 && v.name.endsWith('/bias')))
        .map((v) => [v.name, tf.tensor(randomArray(v.size, seeded(100 + t), 0.5), v.shape)]),
    );
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => Float32Array.from(v.dataSync()));
  tf.dispose(vars);
  return { weights, optimizer };
}

/** The core's stepInPlace on the same data (the reference the host backend must match). */
function trainWithCore(name: string, options: Record<string, unknown>, family: Family): Float32Array[] {
  const random = seeded(11);
  const entries = Object.values(SHAPES);
  const params = entries.map(({ shape, outAxis }) => ({
    value: ndarray(
      randomArray(
        shape.reduce((a, b) => a * b, 1),
        random,
      ),
      shape,
    ),
    outAxis,
  }));
  const core = createOptimizer(name, options, family);
  const state = core.init(params);
  for (let t = 1; t <= STEPS; t++) {
    const grads = params.map((p, i) => (t === 3 && i === 2 ? null : randomArray(p.value.size, seeded(100 + t), 0.5)));
    core.stepInPlace(params, grads, state);
  }
  return params.map((p) => p.value.data as Float32Array);
}

function maxRelError(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) {
      const e = Math.abs(x[i] - b[k][i]) / Math.max(1, Math.abs(b[k][i]));
      if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
    }
  });
  return worst;
}

const bytes = (arrays: Float32Array[]) => arrays.map((a) => new Uint8Array(a.buffer.slice(0)));

describe.each(BACKENDS)('host kernels on the %s backend', (backend) => {
  it.each(CASES)('%s: the default is the fast path, within its bound of the core', async (name, options, family) => {
    await useBackend(backend);
    const fast = train(name, options, family);
    expect(fast.optimizer.hostKernels).toEqual({ name: 'fast', note: '' });
    const core = trainWithCore(name, options, family);
    expect(maxRelError(fast.weights, core)).toBeLessThanOrEqual(FAST_PATH_BOUND);
    expect(maxRelError(fast.weights, train(name, options, family, 0).weights)).toBeGreaterThan(1e-3); // it moved
    fast.optimizer.dispose();
  });

  it.each(CASES)("%s: hostKernels 'core' is the core's stepInPlace bit for bit", async (name, options, family) => {
    await useBackend(backend);
    const run = train(name, { ...options, hostKernels: 'core' }, family);
    expect(run.optimizer.hostKernels).toEqual({ name: 'core', note: '' });
    expect(bytes(run.weights)).toEqual(bytes(trainWithCore(name, options, family)));
    run.optimizer.dispose();
  });
});

describe('choosing and reporting the host kernels', () => {
  it('the default really runs another path than the core (rounding differs somewhere)', async () => {
    await useBackend('cpu');
    const fast = train('Adam_GC2', { lr: 1e-2 }, 'first_release');
    const core = train('Adam_GC2', { lr: 1e-2, hostKernels: 'core' }, 'first_release');
    expect(bytes(fast.weights)).not.toEqual(bytes(core.weights));
  });

  it.each([
    ['RAdam', { lr: 1e-2, useGc: true }, 'advanced'],
    ['Ranger', { lr: 1e-2, useGc: true }, 'advanced'],
  ] as const)(
    '%s (not fused): the core, said once; hostKernels fast is refused, naming it',
    async (name, options, family) => {
      await useBackend('cpu');
      const opt = optimizerByName(name, { ...options, backend: 'host' }, family);
      expect(opt.hostKernels.name).toBe('core');
      expect(opt.hostKernels.note).toMatch(
        new RegExp(`^${name}: recipe not fused by the fast path: host steps run on the core$`),
      );
      expect(() => optimizerByName(name, { ...options, hostKernels: 'fast' }, family)).toThrow(
        /hostKernels = "fast" rejected: not possible here: .*not fused/,
      );
      opt.dispose();
    },
  );

  it('a bad hostKernels value is refused, naming the option', () => {
    expect(() => optimizerByName('Adam_GC2', { hostKernels: 'gpu' }, 'first_release')).toThrow(
      /hostKernels = "gpu" rejected: must be 'auto', 'core' or 'fast'/,
    );
  });

  it('getConfig keeps a chosen hostKernels and leaves the default out', async () => {
    await useBackend('cpu');
    const chosen = optimizerByName('SGD_GC', { lr: 0.1, hostKernels: 'core' }, 'first_release');
    expect(chosen.getConfig()).toMatchObject({ hostKernels: 'core' });
    const restored = optimizerFromConfig({ className: chosen.getClassName(), config: chosen.getConfig() });
    expect(restored.hostKernels).toEqual({ name: 'core', note: '' });
    expect(optimizerByName('SGD_GC', { lr: 0.1 }, 'first_release').getConfig()).not.toHaveProperty('hostKernels');
  });

  it('a NaN gradient on the fast path throws and changes no weight, no state, no step count', async () => {
    await useBackend('cpu');
    const id = `hk${serial++}`;
    const w = tf.variable(tf.tensor(randomArray(60, seeded(3)), [6, 10]), true, `${id}/w`);
    const b = tf.variable(tf.tensor(randomArray(6, seeded(4)), [6]), true, `${id}/b`);
    const opt = optimizerByName('Adam_GC2', { lr: 1e-2, backend: 'host', variables: [{ name: w.name, outAxis: 0 }] });
    expect(opt.hostKernels.name).toBe('fast');
    const grads = (poison: boolean) => {
      const g = randomArray(6, seeded(5), 0.5);
      if (poison) g[4] = Number.NaN;
      return { [w.name]: tf.tensor(randomArray(60, seeded(6), 0.5), [6, 10]), [b.name]: tf.tensor(g, [6]) };
    };
    const good = grads(false);
    opt.applyGradients(good);
    tf.dispose(Object.values(good));
    const snapshot = async () => ({
      w: Array.from(w.dataSync()),
      b: Array.from(b.dataSync()),
      state: await Promise.all((await opt.getWeights()).map(async (t) => [t.name, Array.from(await t.tensor.data())])),
      iterations: opt.iterations,
    });
    const before = await snapshot();
    const bad = grads(true);
    const tensors = tf.memory().numTensors;
    expect(() => opt.applyGradients(bad)).toThrow(NonFiniteGradientError);
    expect(() => opt.applyGradients(bad)).toThrow(/b'? holds NaN at flat index 4/);
    expect(tf.memory().numTensors).toBe(tensors); // nothing leaked by the failed step
    expect(await snapshot()).toEqual(before);
    tf.dispose([...Object.values(bad), w, b]);
    opt.dispose();
  });
});
