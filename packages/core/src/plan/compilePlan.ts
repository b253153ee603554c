import type { GcRule } from '../centralize/gcRule.js';
import type { TransformDescriptor } from '../transforms/descriptor.js';
import type { Transform } from '../transforms/transform.js';
import type { FusedPlan } from './fusedPlan.js';

/** The result of `compilePlan`: a plan, or why there is none, naming the transform that stops it. */
export type PlanCompilation =
  | { readonly plan: FusedPlan; readonly reason: null; readonly transform: null }
  | { readonly plan: null; readonly reason: string; readonly transform: string };

/**
 * Compiles a recipe (the core's list of transforms) into the fused plan every fused backend
 * executes, reading only the transforms' descriptors. The recipes it fuses are, in order
 * (`[…]` optional; see `FusedPlan` for what each family computes):
 *
 *   [addWeightDecay] [centralize] sgdMomentum scaleByLearningRate (applyUpdate | applyUpdateWithDecoupledDecay)
 *   [addWeightDecay] [centralize] scaleByAdagrad scaleByLearningRate applyUpdate
 *   [addWeightDecay] [centralize] adamMoments scaleByAdam [addWeightDecay] [centralize] scaleByLearningRate applyUpdate
 *
 * Anything else (RAdam's `rectify`, lookahead, a `custom` transform, a transform out of place) gives
 * no plan and a reason that names the transform: the backend then runs the core path and warns.
 */
export function compilePlan(recipe: readonly Transform[]): PlanCompilation {
  const cursor = new RecipeCursor(recipe);
  try {
    const plan = fusedPlan(cursor);
    cursor.expectEnd();
    return { plan, reason: null, transform: null };
  } catch (e) {
    if (!(e instanceof NotFusable)) throw e;
    return { plan: null, reason: e.message, transform: e.transform };
  }
}

class NotFusable extends Error {
  constructor(
    readonly transform: string,
    why: string,
  ) {
    super(`${transform}: ${why}`);
  }
}

type Of<K extends TransformDescriptor['kind']> = Extract<TransformDescriptor, { kind: K }>;

/** Reads a recipe front to back, one descriptor at a time. */
class RecipeCursor {
  private at = 0;
  constructor(private readonly recipe: readonly Transform[]) {}

  private get current(): Transform | undefined {
    return this.recipe[this.at];
  }

  /** The next descriptor if it is of `kind` (consumed), else undefined. */
  optional<K extends TransformDescriptor['kind']>(kind: K): Of<K> | undefined {
    const d = this.current?.descriptor;
    if (d?.kind !== kind) return undefined;
    this.at++;
    return d as Of<K>;
  }

  /** The next descriptor, which must be one of `kinds`. */
  expect<K extends TransformDescriptor['kind']>(...kinds: K[]): Of<K> {
    const tr = this.current;
    if (!tr) throw new NotFusable('(end of recipe)', `the recipe ends where a fused plan needs ${kinds.join(' or ')}`);
    const d = tr.descriptor;
    if (!d || !(kinds as string[]).includes(d.kind)) throw this.unexpected(tr, kinds);
    this.at++;
    return d as Of<K>;
  }

  expectEnd(): void {
    const tr = this.current;
    if (tr) throw new NotFusable(tr.name, 'no fused plan has a transform after applyUpdate');
  }

  /** The transform just consumed, for messages. */
  previousName(): string {
    return this.recipe[this.at - 1].name;
  }

  private unexpected(tr: Transform, kinds: string[]): NotFusable {
    const kind = tr.descriptor?.kind;
    const known = kind !== undefined && FUSED_KINDS.has(kind);
    let why = `no fused backend implements descriptor kind '${kind}'`;
    if (kind === undefined) why = 'it has no descriptor (only the core can run it)';
    else if (known)
      why = `out of place for a fused plan (expected ${kinds.join(' or ')} at recipe position ${this.at})`;
    return new NotFusable(tr.name, why);
  }
}

/** Descriptor kinds some fused plan contains. */
const FUSED_KINDS: ReadonlySet<string> = new Set<TransformDescriptor['kind']>([
  'addWeightDecay',
  'centralize',
  'sgdMomentum',
  'adamMoments',
  'scaleByAdam',
  'scaleByAdagrad',
  'scaleByLearningRate',
  'applyUpdate',
  'applyUpdateWithDecoupledDecay',
]);

const ruleOf = (d: Of<'centralize'> | undefined): GcRule => d?.rule ?? 'none';

function fusedPlan(r: RecipeCursor): FusedPlan {
  const coupledDecay = r.optional('addWeightDecay')?.weightDecay ?? 0;
  const gradientRule = ruleOf(r.optional('centralize'));
  const core = r.expect('sgdMomentum', 'scaleByAdagrad', 'adamMoments');
  if (core.kind === 'sgdMomentum') {
    r.expect('scaleByLearningRate');
    const apply = r.expect('applyUpdate', 'applyUpdateWithDecoupledDecay');
    const decoupledDecay = apply.kind === 'applyUpdateWithDecoupledDecay' ? apply.weightDecay : 0;
    const { momentum, dampening, nesterov } = core;
    return { family: 'sgd', coupledDecay, gradientRule, momentum, dampening, nesterov, decoupledDecay };
  }
  if (core.kind === 'scaleByAdagrad') {
    r.expect('scaleByLearningRate');
    r.expect('applyUpdate');
    const { lrDecay, eps, initialAccumulatorValue } = core;
    return { family: 'adagrad', coupledDecay, gradientRule, lrDecay, eps, initialAccumulatorValue };
  }
  const direction = r.expect('scaleByAdam');
  if (direction.beta1 !== core.beta1 || direction.beta2 !== core.beta2 || direction.amsgrad !== core.amsgrad) {
    throw new NotFusable(r.previousName(), 'its betas/amsgrad differ from the adamMoments before it');
  }
  const decayAfterDirection = r.optional('addWeightDecay')?.weightDecay ?? 0;
  const updateRule = ruleOf(r.optional('centralize'));
  r.expect('scaleByLearningRate');
  r.expect('applyUpdate');
  const { beta1, beta2, amsgrad } = core;
  const { eps, epsPlacement } = direction;
  return {
    family: 'adam',
    coupledDecay,
    gradientRule,
    beta1,
    beta2,
    amsgrad,
    eps,
    epsPlacement,
    decayAfterDirection,
    updateRule,
  };
}
