import {
  adamMoments,
  addWeightDecay,
  applyUpdate,
  centralizeUpdate,
  recipeOptimizer,
  scaleByAdam,
  scaleByLearningRate,
  type Optimizer,
  type Transform,
} from '../../src/index.js';

/*
 * Optimizers written by hand as recipes of the core's transforms, matching no reference optimizer:
 * what the tests that every fused backend runs what a recipe says (and only that) step with.
 */

/** Adam with the coupled L2 term *after* the direction and GC on the update. */
export function movedDecay(): Optimizer {
  const recipe: Transform[] = [
    centralizeUpdate('none'),
    adamMoments({ beta1: 0.8, beta2: 0.9 }),
    scaleByAdam({ beta1: 0.8, beta2: 0.9, eps: 1e-6, epsPlacement: 'raw-eps' }),
    addWeightDecay(0.3),
    centralizeUpdate('gc'),
    scaleByLearningRate(),
    applyUpdate(),
  ];
  return recipeOptimizer('MovedDecay', { lr: 0.05 }, recipe);
}

/** `movedDecay` with the L2 term back in front: a different optimizer, so a check that tells them apart can fail. */
export function unmovedDecay(): Optimizer {
  const recipe = movedDecay().recipe;
  return recipeOptimizer('Unmoved', { lr: 0.05 }, [recipe[3], ...recipe.filter((_, i) => i !== 3)]);
}

/** `movedDecay` with a transform only the core can run in the middle (`halveUpdate`: it halves the update). */
export function withCustom(): Optimizer {
  const halve: Transform = {
    name: 'halveUpdate',
    descriptor: { kind: 'custom', label: 'u ← u/2' },
    apply(ctx) {
      for (let i = 0; i < ctx.u.length; i++) ctx.u[i] *= 0.5;
    },
  };
  const recipe = [...movedDecay().recipe];
  recipe.splice(3, 0, halve);
  return recipeOptimizer('WithCustom', { lr: 0.05 }, recipe);
}
