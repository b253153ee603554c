import fc from 'fast-check';
import ndarray from 'ndarray';
import { cloneState, type FloatArray, type Optimizer, type OptimizerState, type Param } from '@gcopt/core';
import { trainingCaseArb, type TrainingCase } from '../arbitraries/parameters.js';
import { runConfig, type RunConfig } from '../config.js';
import { assertReport, checkAll, fail, type NamedProperty, type VerificationReport } from '../runner.js';
import { bitIdentical, toDType } from '../tensor.js';
import type { OptimizerSubjectOptions, ParamSpec } from './instance.js';

/**
 * For implementations of `@gcopt/core`'s `Optimizer` interface (`init`, pure `step`, `stepInPlace`):
 * a port, a new fast path, or the core itself.
 */
export interface StepFormsOptions<H> extends OptimizerSubjectOptions, Partial<RunConfig> {
  readonly name?: string;
  readonly hyper?: fc.Arbitrary<H>;
  readonly maxSteps?: number;
  readonly maxSize?: number;
}

function toParams(specs: readonly ParamSpec[]): Param[] {
  return specs.map((p) => ({
    name: p.name,
    outAxis: p.outAxis,
    value: ndarray(toDType(p.dtype, p.data), [...p.shape]),
  }));
}

function snapshotState(state: OptimizerState): string {
  return JSON.stringify(state, (_k, v) =>
    v instanceof Float32Array || v instanceof Float64Array
      ? `${v.constructor.name}:${Array.from(v, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')}`
      : v,
  );
}

function sameParams(a: readonly Param[], b: readonly Param[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = Float64Array.from(a[i].value.data as FloatArray);
    const y = Float64Array.from(b[i].value.data as FloatArray);
    if (!bitIdentical(x, y)) return i;
  }
  return -1;
}

export function stepFormProperties<H>(
  name: string,
  create: (hyper: H) => Optimizer,
  cases: fc.Arbitrary<{ hyper: H; problem: TrainingCase }>,
): NamedProperty<{ hyper: H; problem: TrainingCase }>[] {
  return [
    {
      name: `${name} › pure step leaves parameters, gradients and state unchanged`,
      arbitrary: cases,
      predicate({ hyper, problem }) {
        const opt = create(hyper);
        const params = toParams(problem.params);
        let state = opt.init(params);
        for (let t = 0; t < problem.grads.length; t++) {
          const grads = problem.grads[t].map((g) => toDType(g instanceof Float64Array ? 'float64' : 'float32', g));
          const paramsBefore = toParams(
            params.map((p, i) => ({ ...problem.params[i], data: p.value.data as FloatArray })),
          );
          const stateBefore = snapshotState(state);
          const next = opt.step(params, grads, state);
          const moved = sameParams(params, paramsBefore);
          if (moved >= 0) fail(`step ${t + 1}: the pure step modified parameter ${moved}`);
          if (snapshotState(state) !== stateBefore) fail(`step ${t + 1}: the pure step modified the state passed in`);
          grads.forEach((g, i) => {
            if (!bitIdentical(g, problem.grads[t][i])) fail(`step ${t + 1}: gradient ${i} was modified`);
          });
          params.splice(0, params.length, ...next.params);
          state = next.state;
        }
      },
    },
    {
      name: `${name} › pure step and stepInPlace agree bit for bit (parameters and state)`,
      arbitrary: cases,
      predicate({ hyper, problem }) {
        const opt = create(hyper);
        let pure = toParams(problem.params);
        let pureState = opt.init(pure);
        const inPlace = toParams(problem.params);
        const inPlaceState = cloneState(opt.init(inPlace));
        for (let t = 0; t < problem.grads.length; t++) {
          const next = opt.step(pure, problem.grads[t], pureState);
          pure = next.params;
          pureState = next.state;
          opt.stepInPlace(inPlace, problem.grads[t], inPlaceState);
          const i = sameParams(pure, inPlace);
          if (i >= 0) fail(`step ${t + 1}: parameter ${i} differs between step and stepInPlace`);
          if (snapshotState(pureState) !== snapshotState(inPlaceState)) fail(`step ${t + 1}: the states differ`);
        }
      },
    },
  ];
}

/** Checks the pure and in-place forms of a core-interface optimizer; returns the report. */
export async function checkStepForms<H>(
  create: (hyper: H) => Optimizer,
  options: StepFormsOptions<H> = {},
): Promise<VerificationReport> {
  const {
    name = 'optimizer',
    hyper = fc.constant({} as H),
    maxSteps = 8,
    maxSize = 96,
    dtypes,
    outAxes,
    accumulation: _a,
    ...config
  } = options;
  const cases = fc.record({ hyper, problem: trainingCaseArb({ dtypes, outAxes, maxSteps, maxSize }) });
  return checkAll(name, stepFormProperties(name, create, cases), runConfig(config));
}

/** As `checkStepForms`, but throws on failure. */
export async function verifyStepForms<H>(
  create: (hyper: H) => Optimizer,
  options: StepFormsOptions<H> = {},
): Promise<VerificationReport> {
  return assertReport(await checkStepForms(create, options));
}
