import fc from 'fast-check';
import type { DType, FloatArray } from '@gcopt/core';
import { valueProblemArb, type ValueCaseConstraints, type ValueProblem } from '../arbitraries/valueCase.js';
import { contains, type Precision } from '../oracle/interval.js';
import { oracleOptimizer } from '../oracle/optimizers.js';
import { fail, type NamedProperty } from '../runner.js';
import { describeTensor, toDType } from '../tensor.js';
import { epsilonOf } from '../tolerance.js';
import type { OptimizerFactory, OptimizerInstance } from './instance.js';

/** Which reference optimizer the implementation claims to be, for the oracle. */
export interface OracleClaim {
  /** Reference class name; `Lookahead(SGD)` / `Lookahead(Adam)` wrap the advanced ones (hyper `{inner, k, alpha}`). */
  readonly name: string;
  readonly family: 'first_release' | 'advanced' | 'wrapper';
}

export interface ValuePropertyContext<H> {
  readonly name: string;
  readonly factory: OptimizerFactory<H>;
  readonly hyper: fc.Arbitrary<H>;
  readonly reference: OracleClaim;
  readonly accumulation: DType | 'storage';
  readonly cases: ValueCaseConstraints;
  /** Shown in the property's name (e.g. 'above the 32,768-element chunk'). */
  readonly label?: string;
}

type Hyper = Record<string, any>;

/** The learning rate the hyper-parameters hold (Lookahead: the inner optimizer's). */
function baseLr(hyper: Hyper): number {
  const lr = hyper.inner ? hyper.inner.lr : hyper.lr;
  return typeof lr === 'number' ? lr : 1e-3;
}

/** The hyper-parameters with the schedule `lr(step) = lr·factor[step−1]` in place of the constant. */
function withSchedule(hyper: Hyper, lrs: readonly number[]): Hyper {
  const schedule = (step: number) => lrs[Math.min(step, lrs.length) - 1];
  return hyper.inner ? { ...hyper, inner: { ...hyper.inner, lr: schedule } } : { ...hyper, lr: schedule };
}

function precisionOf(dtype: DType, accumulation: DType | 'storage'): Precision {
  return { storage: epsilonOf(dtype), accumulation: epsilonOf(accumulation === 'storage' ? dtype : accumulation) };
}

const copyGrad = (g: FloatArray | null) => (g === null ? null : g.slice());

/**
 * "Every step of the implementation equals the oracle": the weights after each step lie in the ranges
 * the interval oracle (src/oracle/) computes from the same inputs, for the reference optimizer the
 * implementation claims to be. Catches wrong values that the law properties cannot see (a dropped bias
 * correction, a decay in the wrong place, a zeroed bias gradient, a wrong channel axis).
 */
export function valueProperty<H>(ctx: ValuePropertyContext<H>): NamedProperty<{ hyper: H; problem: ValueProblem }> {
  return {
    name: `${ctx.name} › every step equals the float64 oracle${ctx.label ? ` (${ctx.label})` : ''}`,
    arbitrary: fc.record({ hyper: ctx.hyper, problem: valueProblemArb(ctx.cases) }),
    async predicate({ hyper, problem }) {
      const h = hyper as Hyper;
      const lrs = problem.lrFactors.map((f) => baseLr(h) * f);
      const implHyper = (problem.lrMode === 'schedule' ? withSchedule(h, lrs) : h) as H;
      const params = problem.params.map((p) => ({ ...p, data: toDType(p.dtype, p.data) }));
      const dtype = problem.params[0].dtype;
      const precision = precisionOf(dtype, ctx.accumulation);
      const oracle = oracleOptimizer(ctx.reference.name, ctx.reference.family, h, problem.params, precision);
      const inst: OptimizerInstance = await ctx.factory(params, implHyper);
      try {
        for (let t = 0; t < problem.grads.length; t++) {
          const grads = problem.grads[t];
          await inst.step(grads.map(copyGrad), problem.lrMode === 'override' ? { lr: lrs[t] } : undefined);
          const got = await inst.params();
          const expected = oracle.step(grads, lrs[t]);
          problem.params.forEach((p, i) => {
            for (let j = 0; j < got[i].length; j++) {
              if (contains(expected[i], j, got[i][j], precision.storage)) continue;
              const { lo, hi } = expected[i];
              fail(
                `step ${t + 1}, ${p.name} ${describeTensor(p)}${p.gc === false ? ' gc:false' : ''}` +
                  `${grads[i] === null ? ' (no gradient this step)' : ''}, element ${j}: got ${got[i][j]}, ` +
                  `the oracle allows [${lo[j]}, ${hi[j]}] (was ${problem.params[i].data[j]} before step 1; ` +
                  `lr ${lrs[t]}, ${problem.lrMode})`,
              );
            }
          });
        }
      } finally {
        inst.dispose?.();
      }
    },
  };
}
