// Bad input gets an error naming the parameter and the problem; a failed step changes nothing;
// learning-rate schedules follow the core; two copies of tfjs-core are detected.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteGradientError, SGD_GC as coreSgdGc, ShapeMismatchError } from '@gcopt/core';
import { Adam_GC, Adam_GC2, type GcOptimizer, optimizerFromConfig, SGD_GC } from '../src/index.js';
import { BACKENDS, randomArray, seeded, useBackend } from './backends.js';

function param(name: string, shape: number[], seed = 1) {
  return tf.variable(
    tf.tensor(
      randomArray(
        shape.reduce((a, b) => a * b, 1),
        seeded(seed),
      ),
      shape,
    ),
    true,
    name,
  );
}

async function snapshot(opt: GcOptimizer, vars: tf.Variable[]) {
  const state = (await opt.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]);
  return { state, values: vars.map((v) => Array.from(v.dataSync())) };
}

let serial = 0;
describe.each(['host', 'tensor'] as const)('%s backend', (stepBackend) => {
  it.each(BACKENDS)('a NaN or Inf gradient is reported and the step changes nothing (%s)', async (backend) => {
    await useBackend(backend);
    const id = `e${serial++}`;
    const w = param(`${id}/w`, [3, 2]);
    const b = param(`${id}/b`, [2], 2);
    const opt = new Adam_GC2({ lr: 0.1, backend: stepBackend });
    const good = () => tf.sum(tf.square(tf.add(w, b))) as tf.Scalar;
    opt.minimize(good);
    opt.minimize(good);
    const before = await snapshot(opt, [w, b]);
    for (const bad of [NaN, Infinity]) {
      const poisoned = () =>
        tf.sum(
          tf.mul(
            tf.add(w, b),
            tf.tensor([
              [1, 1],
              [1, bad],
              [1, 1],
            ]),
          ),
        ) as tf.Scalar;
      let error: unknown;
      try {
        opt.minimize(poisoned);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NonFiniteGradientError);
      expect((error as NonFiniteGradientError).paramName).toBe(`${id}/w`);
      expect((error as NonFiniteGradientError).elementIndex).toBe(3);
      expect(await snapshot(opt, [w, b])).toEqual(before);
      expect(opt.iterations).toBe(2);
    }
    opt.dispose();
    tf.dispose([w, b]);
  });

  it("an lr schedule gets the step number and gives the core's weights; a saved one must be given back", async () => {
    await useBackend('cpu');
    const id = `s${serial++}`;
    const w = param(`${id}/w`, [4, 3]);
    const seen: number[] = [];
    const schedule = (step: number) => {
      seen.push(step);
      return 0.1 / step;
    };
    const opt = new SGD_GC({ learningRate: schedule, momentum: 0.9, backend: stepBackend });
    const loss = () => tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar;
    const core = coreSgdGc({ lr: (step) => 0.1 / step, momentum: 0.9 });
    const p = [{ value: ndarray(Float32Array.from(w.dataSync()), [4, 3]), outAxis: -1 }];
    const state = core.init(p);
    for (let s = 0; s < 3; s++) {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.sub(x, 1))))(tf.tensor(p[0].value.data, [4, 3]));
      core.stepInPlace(p, [g.dataSync() as Float32Array], state);
      opt.minimize(loss);
    }
    expect([...new Set(seen)]).toEqual([1, 2, 3]);
    const diff = Math.max(...Array.from(w.dataSync()).map((v, i) => Math.abs(v - p[0].value.data[i])));
    expect(diff).toBeLessThan(1e-6);

    const config = opt.getConfig();
    expect(config.learningRateSchedule).toBe(true);
    const reloaded = optimizerFromConfig({ className: opt.getClassName(), config });
    expect(() => reloaded.minimize(loss)).toThrow(/setLearningRate/);
    reloaded.setLearningRate(0.01);
    reloaded.minimize(loss);
    expect(reloaded.iterations).toBe(1);
    tf.dispose(w);
    opt.dispose();
    reloaded.dispose();
  });
});

describe('validation', () => {
  it('rejects bad options, naming the parameter', () => {
    const param = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return (e as InvalidArgumentError).param;
      }
      throw new Error('no error');
    };
    expect(param(() => new Adam_GC({ betas: [1.5, 0.9] }))).toBe('betas');
    expect(param(() => new Adam_GC({ lr: -1 }))).toBe('lr');
    expect(param(() => new Adam_GC2({ learningRate: 1e-3, lr: 1e-3 }))).toBe('learningRate');
    expect(param(() => new SGD_GC({} as never))).toBe('lr');
    expect(param(() => new Adam_GC({ lerningRate: 1e-3 } as never))).toBe('lerningRate');
    expect(param(() => new Adam_GC({ backend: 'gpu' as never }))).toBe('backend');
    expect(param(() => new Adam_GC({ variables: [{ outAxis: 1 }] }))).toBe('variables[0]');
    expect(param(() => new Adam_GC({ variables: [{ name: 'a', outAxis: 0.5 }] }))).toBe('variables[0].outAxis');
  });

  it('rejects gradients of unknown variables or of the wrong shape, and foreign or partial saved state', async () => {
    await useBackend('cpu');
    const id = `v${serial++}`;
    const w = param(`${id}/w`, [2, 2]);
    const v = param(`${id}/v`, [3], 3);
    const opt = new Adam_GC();
    expect(() => opt.applyGradients({ [`${id}/missing`]: tf.zeros([2, 2]) })).toThrow(/no variable named/);
    expect(() => opt.applyGradients({ [w.name]: tf.zeros([4]) })).toThrow(ShapeMismatchError);
    await expect(
      opt.setWeights([
        { name: 'iter', tensor: tf.scalar(1) },
        { name: `${id}/w/momentum_buffer`, tensor: tf.zeros([2, 2]) },
      ]),
    ).rejects.toThrow(InvalidArgumentError);
    opt.applyGradients({ [w.name]: tf.ones([2, 2]) });
    const saved = await opt.getWeights();
    const other = new Adam_GC();
    await other.setWeights(saved);
    other.applyGradients({ [w.name]: tf.ones([2, 2]) }); // has state: fine
    expect(() => other.applyGradients({ [v.name]: tf.ones([3]) })).toThrow(/nothing for variable/);
    tf.dispose([w, v]);
    opt.dispose();
    other.dispose();
  });

  it('detects a variable made by a second copy of @tensorflow/tfjs-core (in a fresh process)', () => {
    const script = fileURLToPath(new URL('./fixtures/twoCopies.mjs', import.meta.url));
    const out = JSON.parse(
      execFileSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    expect(out).toMatchObject({ threw: true, name: 'DuplicateTfjsCoreError' });
    expect(out.message).toMatch(/another copy of @tensorflow\/tfjs-core/);
  });
});
