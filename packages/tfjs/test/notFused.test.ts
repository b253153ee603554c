// The tfjs tensor backend runs what the recipe says, reading only the transforms' descriptors: a recipe
// changed by hand runs as written, and a transform with no tf-op form (descriptor kind 'custom') sends
// the step to the host backend (the core itself) with one warning naming it — as on every fused backend
// of the core (packages/core/test/plan/planBackends.test.ts).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { recipeOptimizer, type GcoptWarning, type Optimizer } from '@gcopt/core';
import { GcOptimizer, type AdapterOptions } from '../src/index.js';
import { randomArray, seeded, useBackend } from './backends.js';
import { maxRelativeDifference } from './models.js';
// the core's hand-written recipes, the ones its fused backends run in planBackends.test.ts
import { movedDecay, unmovedDecay, withCustom } from '../../core/test/plan/handWrittenRecipes.js';

/** A tf.Optimizer over any core optimizer (the reference classes are the same with a fixed recipe). */
class RecipeUnderTest extends GcOptimizer {
  static className = 'RecipeUnderTest';
  constructor(core: () => Optimizer, adapter: AdapterOptions) {
    super(() => core(), 'advanced', adapter);
  }
}

let serial = 0;
/** Trains a small dense layer with `make`'s recipe (as an optimizer named UnderTest) through the adapter. */
function train(make: () => Optimizer, adapter: AdapterOptions): Float32Array[] {
  const random = seeded(5);
  const id = `nf${serial++}`;
  const kernel = tf.variable(tf.tensor(randomArray(12, random), [3, 4]), true, `${id}/kernel`);
  const bias = tf.variable(tf.tensor(randomArray(4, random), [4]), true, `${id}/bias`);
  const x = tf.tensor(randomArray(24, random), [8, 3]);
  const y = tf.tensor(randomArray(32, random), [8, 4]);
  const optimizer = new RecipeUnderTest(() => recipeOptimizer('UnderTest', { lr: 0.05 }, make().recipe), adapter);
  for (let s = 0; s < 4; s++) {
    optimizer.minimize(() =>
      tf.tidy(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, kernel), bias), y))) as tf.Scalar),
    );
  }
  const weights = [kernel, bias].map((w) => Float32Array.from(w.dataSync()));
  optimizer.dispose();
  tf.dispose([kernel, bias, x, y]);
  return weights;
}

describe('the tfjs tensor backend (wasm backend)', () => {
  it('runs a recipe changed by hand as written', async () => {
    await useBackend('wasm');
    const host = train(movedDecay, { backend: 'host' });
    const tensor = train(movedDecay, { backend: 'tensor' });
    expect(maxRelativeDifference(train(unmovedDecay, { backend: 'host' }), host)).toBeGreaterThan(1e-3);
    expect(maxRelativeDifference(tensor, host)).toBeLessThan(1e-5);
  });

  it('runs a transform it has no tf-op form for on the host, with one warning naming it', async () => {
    await useBackend('wasm');
    const warnings: GcoptWarning[] = [];
    const auto = train(withCustom, { onWarning: (w) => warnings.push(w) });
    const notFused = warnings.filter((w) => w.code === 'not-fused');
    expect(notFused).toHaveLength(1);
    expect(notFused[0]).toMatchObject({ transform: 'halveUpdate', backend: 'the tfjs tensor backend' });
    expect(notFused[0].message).toMatch(/UnderTest on the core path .*halveUpdate/);
    const host = train(withCustom, { backend: 'host' });
    expect(auto).toEqual(host);
    expect(maxRelativeDifference(train(movedDecay, { backend: 'host' }), host)).toBeGreaterThan(1e-3);
  });

  it("refuses backend: 'tensor' for it, naming it", async () => {
    await useBackend('wasm');
    expect(() => train(withCustom, { backend: 'tensor' })).toThrow(/halveUpdate/);
  });
});
