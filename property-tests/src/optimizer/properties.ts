import fc from 'fast-check';
import type { DType, FloatArray } from '@gcopt/core';
import { centres, channelLayout } from '../oracle/layout.js';
import { trainingCaseArb, type TrainingCase } from '../arbitraries/parameters.js';
import type { OutAxisChoice } from '../arbitraries/tensors.js';
import { fail, type NamedProperty } from '../runner.js';
import { bitIdentical, channelMaxAbs, channelMeans, describeTensor, maxAbs, toDType } from '../tensor.js';
import { meanStepTolerance } from '../tolerance.js';
import type { MeanClaims, OptimizerFactory, OptimizerInstance, UpdateBoundContext } from './instance.js';

export interface OptimizerPropertyContext<H> {
  readonly name: string;
  readonly factory: OptimizerFactory<H>;
  readonly hyper: fc.Arbitrary<H>;
  readonly claims: (hyper: H) => MeanClaims;
  readonly dtypes: readonly DType[];
  readonly outAxes: readonly OutAxisChoice[];
  readonly accumulation: DType | 'storage';
  readonly maxSteps: number;
  readonly maxSize: number;
  /** Which claim-dependent properties to include (a property with no case it applies to is left out). */
  readonly include: { readonly mean: boolean; readonly fanInOne: boolean; readonly state: boolean };
}

type Case<H> = { hyper: H; problem: TrainingCase };

function caseArb<H>(ctx: OptimizerPropertyContext<H>): fc.Arbitrary<Case<H>> {
  return fc.record({
    hyper: ctx.hyper,
    problem: trainingCaseArb({
      dtypes: ctx.dtypes,
      outAxes: ctx.outAxes,
      maxSteps: ctx.maxSteps,
      maxSize: ctx.maxSize,
    }),
  });
}

function copyGrads(step: readonly FloatArray[]): FloatArray[] {
  return step.map((g) => (g instanceof Float64Array ? new Float64Array(g) : new Float32Array(g)));
}

/** Runs every step; returns the weights after each (index 0: the initial weights). */
async function trajectory(
  inst: OptimizerInstance,
  problem: TrainingCase,
  lr?: number,
): Promise<(readonly FloatArray[])[]> {
  const out: (readonly FloatArray[])[] = [problem.params.map((p) => p.data)];
  for (const step of problem.grads) {
    await inst.step(copyGrads(step), lr === undefined ? undefined : { lr });
    out.push(await inst.params());
  }
  return out;
}

async function withInstance<H, T>(
  ctx: OptimizerPropertyContext<H>,
  c: Case<H>,
  body: (inst: OptimizerInstance) => Promise<T>,
): Promise<T> {
  // the factory gets copies: an in-place backend may write into them
  const params = c.problem.params.map((p) => ({ ...p, data: toDType(p.dtype, p.data) }));
  const inst = await ctx.factory(params, c.hyper);
  try {
    return await body(inst);
  } finally {
    inst.dispose?.();
  }
}

const defaultBound = (hyper: { lr?: unknown }) => (c: UpdateBoundContext) =>
  c.observedStep + (typeof hyper.lr === 'number' ? hyper.lr : 1) * (c.gradMaxSoFar + c.paramMaxSoFar);

export function optimizerProperties<H>(ctx: OptimizerPropertyContext<H>): NamedProperty<Case<H>>[] {
  const name = (p: string) => `${ctx.name} › ${p}`;
  const acc = (dtype: DType): DType => (ctx.accumulation === 'storage' ? dtype : ctx.accumulation);
  const all: (NamedProperty<Case<H>> & { key?: 'mean' | 'fanInOne' | 'state' })[] = [
    {
      key: 'mean',
      name: name('per-channel weight means follow the claimed law (preserved, or × meanFactor per step)'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        const claims = ctx.claims(c.hyper);
        const rule = claims.preservesMean;
        fc.pre(rule !== 'none');
        const factor = claims.meanFactor ?? 1;
        const bound = claims.updateBound ?? defaultBound(c.hyper as { lr?: unknown });
        const traj = await withInstance(ctx, c, (inst) => trajectory(inst, c.problem));
        c.problem.params.forEach((p, i) => {
          if (!centres(p.shape.length, rule)) return;
          const layout = channelLayout(p.shape, p.outAxis);
          const mean0 = channelMeans(traj[0][i], layout);
          const tol = new Float64Array(layout.channels);
          let gradMaxSoFar = 0;
          let paramMaxSoFar = 0;
          for (let t = 1; t < traj.length; t++) {
            const before = traj[t - 1][i];
            const after = traj[t][i];
            const gradMax = maxAbs(c.problem.grads[t - 1][i]);
            gradMaxSoFar = Math.max(gradMaxSoFar, gradMax);
            paramMaxSoFar = Math.max(paramMaxSoFar, maxAbs(before));
            let observedStep = 0;
            for (let j = 0; j < after.length; j++)
              observedStep = Math.max(observedStep, Math.abs(after[j] - before[j]));
            const U = bound({ t, gradMax, gradMaxSoFar, paramMax: maxAbs(before), paramMaxSoFar, observedStep });
            const mb = channelMaxAbs(before, layout);
            const ma = channelMaxAbs(after, layout);
            const means = channelMeans(after, layout);
            for (let ch = 0; ch < layout.channels; ch++) {
              tol[ch] += meanStepTolerance(layout.fanIn, mb[ch], ma[ch], U, p.dtype, acc(p.dtype));
              const expected = factor ** t * mean0[ch];
              if (!(Math.abs(means[ch] - expected) <= tol[ch])) {
                fail(
                  `${p.name} ${describeTensor(p)}, channel ${ch}, step ${t}: mean ${means[ch]}, expected ${expected} ` +
                    `(initial ${mean0[ch]}, factor ${factor}/step), ` +
                    `|diff| ${Math.abs(means[ch] - expected)} > tolerance ${tol[ch]}`,
                );
              }
            }
          }
        });
      },
    },
    {
      key: 'fanInOne',
      name: name('fan-in-1 tensors that GC zeroes never move'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        const rule = ctx.claims(c.hyper).fanInOneFrozen;
        fc.pre(rule !== 'none');
        const traj = await withInstance(ctx, c, (inst) => trajectory(inst, c.problem));
        c.problem.params.forEach((p, i) => {
          const layout = channelLayout(p.shape, p.outAxis);
          if (layout.fanIn !== 1 || !centres(p.shape.length, rule)) return;
          const last = traj[traj.length - 1][i];
          for (let j = 0; j < last.length; j++) {
            if (last[j] !== p.data[j])
              fail(`${p.name} ${describeTensor(p)} moved: element ${j} ${p.data[j]} → ${last[j]}`);
          }
        });
      },
    },
    {
      name: name('a zero learning rate leaves the parameters unchanged'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        const traj = await withInstance(ctx, c, (inst) => trajectory(inst, c.problem, 0));
        c.problem.params.forEach((p, i) => {
          for (let t = 1; t < traj.length; t++) {
            const now = traj[t][i];
            for (let j = 0; j < now.length; j++) {
              if (now[j] !== p.data[j])
                fail(`${p.name}: element ${j} ${p.data[j]} → ${now[j]} at step ${t} with lr = 0`);
            }
          }
        });
      },
    },
    {
      name: name('pure inputs: the gradients handed to step are not modified'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        await withInstance(ctx, c, async (inst) => {
          for (let t = 0; t < c.problem.grads.length; t++) {
            const handed = copyGrads(c.problem.grads[t]);
            await inst.step(handed);
            handed.forEach((g, i) => {
              if (!bitIdentical(g, c.problem.grads[t][i]))
                fail(`step ${t + 1} modified the gradient of ${c.problem.params[i].name}`);
            });
          }
        });
      },
    },
    {
      name: name('deterministic: the same inputs give bit-identical weights'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        const a = await withInstance(ctx, c, (inst) => trajectory(inst, c.problem));
        const b = await withInstance(ctx, c, (inst) => trajectory(inst, c.problem));
        for (let t = 1; t < a.length; t++) {
          a[t].forEach((w, i) => {
            if (!bitIdentical(w, b[t][i]))
              fail(`${c.problem.params[i].name} differs between two identical runs at step ${t}`);
          });
        }
      },
    },
    {
      key: 'state',
      name: name('state shapes are stable across steps'),
      arbitrary: caseArb(ctx),
      async predicate(c) {
        await withInstance(ctx, c, async (inst) => {
          if (!inst.stateShapes) fail('the instance has no stateShapes() to check');
          const initial = JSON.stringify(await inst.stateShapes());
          for (let t = 0; t < c.problem.grads.length; t++) {
            await inst.step(copyGrads(c.problem.grads[t]));
            const now = JSON.stringify(await inst.stateShapes!());
            if (now !== initial) fail(`state after step ${t + 1} is ${now}, after init it was ${initial}`);
          }
        });
      },
    },
  ];
  return all.filter((p) => !p.key || ctx.include[p.key]);
}
