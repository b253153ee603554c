import { InvalidArgumentError } from '../errors.js';
import { compilePlan, type PlanCompilation } from '../plan/compilePlan.js';
import type { FusedPlan } from '../plan/fusedPlan.js';
import type { Optimizer } from '../optimizers/types.js';
import type { Transform } from '../transforms/transform.js';

/**
 * The plan the gpu.js kernels run for a recipe: `compilePlan`'s, except an Adam plan that centres
 * both the gradient and the update (no reference optimizer does; a slab carries one set of GC rows).
 */
export function gpuJsPlan(recipe: readonly Transform[]): PlanCompilation {
  const compiled = compilePlan(recipe);
  const plan = compiled.plan;
  if (plan?.family === 'adam' && plan.gradientRule !== 'none' && plan.updateRule !== 'none') {
    const second = recipe.filter((tr) => tr.descriptor?.kind === 'centralize')[1];
    const reason = `${second.name}: the gpu.js kernels centre the gradient or the update, not both`;
    return { plan: null, transform: second.name, reason };
  }
  return compiled;
}

/** The plan of `optimizer` on the gpu.js kernels, or an error naming the transform they cannot run. */
export function fusedPlanOf(optimizer: Pick<Optimizer, 'name' | 'recipe'>): FusedPlan {
  const { plan, reason } = gpuJsPlan(optimizer.recipe);
  if (!plan) throw new InvalidArgumentError('optimizer', optimizer.name, `has no fused gpu.js kernels: ${reason}`);
  return plan;
}
