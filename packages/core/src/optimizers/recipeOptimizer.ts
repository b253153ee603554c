import { InvalidArgumentError, NonFiniteGradientError, ShapeMismatchError } from '../errors.js';
import { dtypeOf, isFloatArray, type FloatArray } from '../tensor/floatArray.js';
import { layoutOf, sameShape, type Layout } from '../tensor/layout.js';
import { cloneContiguous, flatView, writeBack } from '../tensor/ndarrayViews.js';
import type { TensorContext, Transform } from '../transforms/transform.js';
import { emitWarning, zeroedGradientWarning } from '../warnings.js';
import type {
  Grad,
  LearningRate,
  Optimizer,
  OptimizerOptions,
  OptimizerState,
  Param,
  StepOptions,
  StepResult,
  TensorState,
} from './types.js';

/**
 * Builds an optimizer from a recipe: the transforms run, in order, on every tensor that has a
 * gradient. All optimizers of gcopt are made here, so validation, atomicity, purity and the
 * in-place form are written once.
 */
export function recipeOptimizer<H extends { lr: LearningRate }>(
  name: string,
  hyper: H,
  recipe: readonly Transform[],
  options: OptimizerOptions = {},
): Optimizer<H> {
  const frozenHyper = Object.freeze({ ...hyper });
  // the state arrays this recipe keeps, by name: a checkpoint with other names is refused
  const probe = new Float64Array(1);
  const probeLayout = layoutOf([1]);
  const slotNames = recipe.flatMap((tr) => Object.keys(tr.initSlots?.(probe, probeLayout) ?? {})).sort();

  function init(params: readonly Param[]): OptimizerState {
    if (!Array.isArray(params))
      throw new InvalidArgumentError('params', params, 'params must be an array of Param', name);
    const tensors = params.map((param, i): TensorState => {
      const layout = paramLayout(param, i);
      const p = flatView(param.value, paramLabel(param, i));
      const slots: Record<string, FloatArray> = {};
      for (const tr of recipe) if (tr.initSlots) Object.assign(slots, tr.initSlots(p, layout));
      const gcEnabled = param.gc !== false;
      if (layout.fanIn === 1 && recipe.some((tr) => tr.centralizes?.(layout, gcEnabled))) {
        emitWarning(zeroedGradientWarning(layout.shape, layout.outAxis, i, param.name), options.onWarning);
      }
      return { shape: layout.shape, outAxis: layout.outAxis, step: 0, slots };
    });
    return { optimizer: name, count: 0, tensors };
  }

  function stepInPlace(
    params: readonly Param[],
    grads: readonly (Grad | null)[],
    state: OptimizerState,
    stepOptions: StepOptions = {},
  ): void {
    // 1. validate everything before touching anything: a failed step changes nothing
    checkArguments(name, params, grads, state, stepOptions);
    const layouts = validateStep(params, grads, state);
    const count = state.count + 1;
    const lr = resolveLearningRate(stepOptions.lr ?? frozenHyper.lr, count);
    if (stepOptions.checkFinite !== false) checkFinite(params, grads);
    let maxChannels = 1;
    for (const l of layouts) maxChannels = Math.max(maxChannels, l.channels);
    const scratch = new Float64Array(maxChannels);

    // 2. run the recipe on every tensor
    params.forEach((param, i) => {
      const ts = state.tensors[i];
      const grad = grads[i];
      const p = flatView(param.value);
      const hasGrad = grad !== null && grad !== undefined;
      const t = hasGrad ? ts.step + 1 : ts.step;
      const ctx: TensorContext = {
        p,
        u: hasGrad ? updateBufferFrom(grad, p) : p.subarray(0, 0),
        layout: layouts[i],
        gcEnabled: param.gc !== false,
        slots: ts.slots,
        t,
        optimizerStep: count,
        lr,
        scale: 1,
        scratch,
      };
      for (const tr of recipe) if (hasGrad || tr.alsoWithoutGradient) tr.apply(ctx);
      writeBack(param.value, p);
      ts.step = t;
    });
    state.count = count;
  }

  function step(
    params: readonly Param[],
    grads: readonly (Grad | null)[],
    state: OptimizerState,
    stepOptions?: StepOptions,
  ): StepResult {
    checkArguments(name, params, grads, state, stepOptions ?? {});
    validateStep(params, grads, state); // before cloning: a bad Param is named, not a TypeError
    const nextParams = params.map((param) => ({ ...param, value: cloneContiguous(param.value) }));
    const nextState = cloneState(state);
    stepInPlace(nextParams, grads, nextState, stepOptions);
    return { params: nextParams, state: nextState };
  }

  function validateStep(params: readonly Param[], grads: readonly (Grad | null)[], state: OptimizerState): Layout[] {
    if (state.optimizer !== name) {
      throw new ShapeMismatchError(`${name}: the state was made by ${String(state.optimizer)}, not by ${name}`);
    }
    if (params.length !== state.tensors.length) {
      throw new ShapeMismatchError(
        `${name}: ${params.length} parameters given, the state holds ${state.tensors.length}`,
      );
    }
    if (grads.length !== params.length) {
      throw new ShapeMismatchError(`${name}: ${grads.length} gradients given for ${params.length} parameters`);
    }
    return params.map((param, i) => {
      const label = paramLabel(param, i);
      const layout = paramLayout(param, i);
      const ts = state.tensors[i];
      if (!ts || typeof ts !== 'object' || !Array.isArray(ts.shape) || !ts.slots || typeof ts.slots !== 'object') {
        throw new InvalidArgumentError(`state.tensors[${i}]`, ts, `not a tensor state made by ${name}.init`, name);
      }
      if (!sameShape(ts.shape, layout.shape) || ts.outAxis !== layout.outAxis) {
        throw new ShapeMismatchError(
          `${name}: ${label} has shape [${layout.shape}] (outAxis ${layout.outAxis}) but its state was made for ` +
            `[${ts.shape}] (outAxis ${ts.outAxis})`,
        );
      }
      const dtype = dtypeOf(param.value.data);
      const names = Object.keys(ts.slots).sort();
      if (names.join() !== slotNames.join()) {
        throw new ShapeMismatchError(
          `${name}: state of ${label} holds [${names}], this optimizer keeps [${slotNames}]`,
        );
      }
      for (const [slot, arr] of Object.entries(ts.slots)) {
        if (arr.length !== layout.size || dtypeOf(arr) !== dtype) {
          throw new ShapeMismatchError(
            `${name}: state ${slot} of ${label} is ${dtypeOf(arr)}[${arr.length}], expected ${dtype}[${layout.size}]`,
          );
        }
      }
      const grad = grads[i];
      if (grad === null || grad === undefined) return layout;
      if (isFloatArray(grad)) {
        if (grad.length !== layout.size) {
          throw new ShapeMismatchError(
            `${name}: gradient of ${label} has ${grad.length} elements, expected ${layout.size} (shape ` +
              `[${layout.shape}])`,
          );
        }
      } else if (!grad || !Array.isArray(grad.shape) || !isFloatArray(grad.data)) {
        throw new ShapeMismatchError(
          `${name}: gradient of ${label} must be a Float32Array, Float64Array or an ndarray of one`,
        );
      } else if (!sameShape(grad.shape, layout.shape)) {
        throw new ShapeMismatchError(
          `${name}: gradient of ${label} has shape [${grad.shape}], expected [${layout.shape}]`,
        );
      }
      return layout;
    });
  }

  return { name, hyper: frozenHyper, recipe, init, step, stepInPlace };
}

/**
 * The pure and in-place steps' arguments are what their types say: a null, undefined or
 * non-array argument is named, never a TypeError from deep inside.
 */
function checkArguments(name: string, params: unknown, grads: unknown, state: unknown, stepOptions: unknown): void {
  if (!Array.isArray(params)) {
    throw new InvalidArgumentError('params', params, 'params must be an array of Param (one per tensor)', name);
  }
  if (!Array.isArray(grads)) {
    const expected = 'grads must be an array with one gradient (or null) per parameter';
    throw new InvalidArgumentError('grads', grads, expected, name);
  }
  if (state === null || typeof state !== 'object' || !Array.isArray((state as OptimizerState).tensors)) {
    const expected = `state must be the OptimizerState that ${name}.init(params) returned`;
    throw new InvalidArgumentError('state', state, expected, name);
  }
  if (stepOptions === null || typeof stepOptions !== 'object') {
    throw new InvalidArgumentError('options', stepOptions, 'step options must be an object, e.g. { lr: 0.01 }', name);
  }
}

function paramLabel(param: Param, i: number): string {
  return param?.name !== undefined ? `parameter '${param.name}'` : `parameter #${i}`;
}

function paramLayout(param: Param, i: number): Layout {
  if (!param?.value || !Array.isArray(param.value.shape)) {
    throw new InvalidArgumentError(
      `params[${i}]`,
      param,
      'a Param needs `value`, an ndarray over a Float32Array or Float64Array',
    );
  }
  if (!isFloatArray(param.value.data)) {
    throw new InvalidArgumentError(
      `params[${i}].value`,
      typeof param.value.data,
      'must be backed by a Float32Array or Float64Array',
    );
  }
  return layoutOf(param.value.shape, param.outAxis ?? 0, `${paramLabel(param, i)} shape`);
}

/** A fresh working copy of the gradient in the parameter's dtype (the caller's gradient is never written). */
function updateBufferFrom(grad: Grad, p: FloatArray): FloatArray {
  const flat = isFloatArray(grad) ? grad : flatView(grad, 'gradient');
  return p instanceof Float64Array ? Float64Array.from(flat) : Float32Array.from(flat);
}

/** The learning rate of step `step` (1-based): the number itself, or the schedule's value, checked finite and ≥ 0. */
export function resolveLearningRate(lr: LearningRate, step: number): number {
  const value = typeof lr === 'function' ? lr(step) : lr;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError('lr', value, `the learning rate of step ${step} must be a finite number ≥ 0`);
  }
  return value;
}

/**
 * NaN/±Infinity is judged on the gradient as it will be stored: a float64 gradient for float32
 * parameters is cast first (1e39 is finite in float64 and Infinity in float32).
 */
function checkFinite(params: readonly Param[], grads: readonly (Grad | null)[]): void {
  grads.forEach((grad, i) => {
    if (grad === null || grad === undefined) return;
    const flat = isFloatArray(grad) ? grad : flatView(grad, 'gradient');
    const narrowed = flat instanceof Float64Array && !(params[i].value.data instanceof Float64Array);
    const j = narrowed ? firstNonFiniteAsFloat32(flat) : firstNonFinite(flat);
    if (j >= 0) throw new NonFiniteGradientError(i, params[i].name, j, flat[j], narrowed ? 'float32' : undefined);
  });
}

function firstNonFinite(a: FloatArray): number {
  for (let j = 0; j < a.length; j++) {
    // x - x is NaN exactly for NaN and ±Infinity: one test for both
    if (a[j] - a[j] !== 0) return j;
  }
  return -1;
}

function firstNonFiniteAsFloat32(a: Float64Array): number {
  for (let j = 0; j < a.length; j++) {
    const v = Math.fround(a[j]);
    if (v - v !== 0) return j;
  }
  return -1;
}

/** A deep copy of an optimizer state (its slot arrays copied). */
export function cloneState(state: OptimizerState): OptimizerState {
  return {
    optimizer: state.optimizer,
    count: state.count,
    tensors: state.tensors.map((ts) => ({
      shape: [...ts.shape],
      outAxis: ts.outAxis,
      step: ts.step,
      slots: Object.fromEntries(Object.entries(ts.slots).map(([k, v]) => [k, v.slice()])),
    })),
  };
}
