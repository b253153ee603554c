import fc from 'fast-check';
import type { DType, FloatArray, GcRule } from '@gcopt/core';
import { centres, channelLayout, type ChannelLayout } from '../oracle/layout.js';
import { emptyShapeArb } from '../arbitraries/shapes.js';
import { sameShapeArb, tensorArb, type OutAxisChoice } from '../arbitraries/tensors.js';
import type { NamedProperty } from '../runner.js';
import { fail } from '../runner.js';
import {
  bitIdentical,
  channelMaxAbs,
  channelMeans,
  channelOf,
  describeTensor,
  firstMismatch,
  moveAxisBack,
  moveAxisToFront,
  toDType,
  type TensorSpec,
} from '../tensor.js';
import { EPS64, epsilonOf, projectionError, zeroMeanTolerance } from '../tolerance.js';
import type { CentralizationImplementation } from './implementation.js';

interface Ctx {
  readonly impl: CentralizationImplementation;
  readonly dtypes: readonly DType[];
  readonly outAxes: readonly OutAxisChoice[];
  readonly maxSize: number;
}

function accumulation(impl: CentralizationImplementation, storage: DType): DType {
  return !impl.accumulation || impl.accumulation === 'storage' ? storage : impl.accumulation;
}

/** Calls the implementation on a copy and checks it returned a fresh array of the right dtype and length. */
async function P(ctx: Ctx, t: TensorSpec, rule: GcRule): Promise<FloatArray> {
  const input = toDType(t.dtype, t.data);
  const out = await ctx.impl.centralize(input, { shape: t.shape, outAxis: t.outAxis, rule });
  if (out.constructor !== t.data.constructor) fail(`returned ${out.constructor.name} for ${t.dtype} input`);
  if (out.length !== t.data.length) fail(`returned ${out.length} elements for ${describeTensor(t)}`);
  return out;
}

/** Per-element bound of |P̂(x) − P(x)| (tolerance.ts `projectionError`), per channel of x. */
function errP(ctx: Ctx, t: TensorSpec, layout: ChannelLayout): (i: number) => number {
  const max = channelMaxAbs(t.data, layout);
  const acc = accumulation(ctx.impl, t.dtype);
  return (i) => projectionError(layout.fanIn, max[channelOf(i, layout)], t.dtype, acc);
}

/** GC applies under rule 'gc' to rank ≥ 2: the projection properties use tensors of rank 2–5. */
function centredTensorArb(ctx: Ctx) {
  return tensorArb({ minRank: 2, dtypes: ctx.dtypes, outAxes: ctx.outAxes, maxSize: ctx.maxSize });
}

const scalarArb = fc.double({ min: -4, max: 4, noNaN: true }).map((x) => Math.round(x * 1024) / 1024);

export function centralizationProperties(ctx: Ctx): NamedProperty<any>[] {
  const name = (p: string) => `${ctx.impl.name} › ${p}`;
  return [
    {
      name: name('every output slice of P(g) has zero mean'),
      arbitrary: centredTensorArb(ctx),
      async predicate(g: TensorSpec) {
        const layout = channelLayout(g.shape, g.outAxis);
        const out = await P(ctx, g, 'gc');
        const means = channelMeans(out, layout);
        const inMax = channelMaxAbs(g.data, layout);
        const outMax = channelMaxAbs(out, layout);
        for (let c = 0; c < layout.channels; c++) {
          const tol = zeroMeanTolerance(layout.fanIn, inMax[c], outMax[c], g.dtype, accumulation(ctx.impl, g.dtype));
          if (!(Math.abs(means[c]) <= tol))
            fail(`channel ${c} of ${describeTensor(g)} has mean ${means[c]} after GC (tolerance ${tol})`);
        }
      },
    },
    {
      name: name('idempotent: P(P(g)) = P(g)'),
      arbitrary: centredTensorArb(ctx),
      async predicate(g: TensorSpec) {
        const layout = channelLayout(g.shape, g.outAxis);
        const once = await P(ctx, g, 'gc');
        const twice = await P(ctx, { ...g, data: once }, 'gc');
        // P(P̂g) − P̂g is minus the residual mean of P̂g (≤ errP(g)) plus the second call's error
        const e1 = errP(ctx, g, layout);
        const e2 = errP(ctx, { ...g, data: once }, layout);
        const i = firstMismatch(twice, once, (j) => e1(j) + e2(j));
        if (i >= 0) fail(`element ${i}: P(P(g)) = ${twice[i]} but P(g) = ${once[i]}`);
      },
    },
    {
      name: name('linear: P(a·g + b·h) = a·P(g) + b·P(h)'),
      arbitrary: centredTensorArb(ctx).chain((g) => fc.tuple(fc.constant(g), sameShapeArb(g, 1), scalarArb, scalarArb)),
      async predicate([g, [h], a, b]: [TensorSpec, TensorSpec[], number, number]) {
        const layout = channelLayout(g.shape, g.outAxis);
        const mix = {
          ...g,
          data: toDType(
            g.dtype,
            Array.from(g.data, (x, i) => a * x + b * h.data[i]),
          ),
        };
        const left = await P(ctx, mix, 'gc');
        const pg = await P(ctx, g, 'gc');
        const ph = await P(ctx, h, 'gc');
        const es = epsilonOf(g.dtype);
        const eMix = errP(ctx, mix, layout);
        const eg = errP(ctx, g, layout);
        const eh = errP(ctx, h, layout);
        const mixRound = channelMaxAbs(mix.data, layout);
        // the mix itself was rounded to storage (≤ ε_s|a·g+b·h| each, |P| ≤ 2 in max-norm), then each side's errP;
        // the right side is formed in float64 (2·ε64 relative)
        const tol = (i: number) => {
          const c = channelOf(i, layout);
          return (
            2 * es * mixRound[c] +
            eMix(i) +
            Math.abs(a) * eg(i) +
            Math.abs(b) * eh(i) +
            2 * EPS64 * (Math.abs(a * pg[i]) + Math.abs(b * ph[i]))
          );
        };
        const right = Array.from(pg, (x, i) => a * x + b * ph[i]);
        const i = firstMismatch(left, right, tol);
        if (i >= 0) fail(`a=${a}, b=${b}, element ${i}: P(a·g+b·h) = ${left[i]}, a·P(g)+b·P(h) = ${right[i]}`);
      },
    },
    {
      name: name('invariant to adding a constant per output slice'),
      arbitrary: centredTensorArb(ctx).chain((g) =>
        fc.tuple(
          fc.constant(g),
          fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
            minLength: channelLayout(g.shape, g.outAxis).channels,
            maxLength: channelLayout(g.shape, g.outAxis).channels,
          }),
        ),
      ),
      async predicate([g, shifts]: [TensorSpec, number[]]) {
        const layout = channelLayout(g.shape, g.outAxis);
        const shifted = {
          ...g,
          data: toDType(
            g.dtype,
            Array.from(g.data, (x, i) => x + shifts[channelOf(i, layout)]),
          ),
        };
        const a = await P(ctx, g, 'gc');
        const b = await P(ctx, shifted, 'gc');
        const es = epsilonOf(g.dtype);
        const eg = errP(ctx, g, layout);
        const eShifted = errP(ctx, shifted, layout);
        const shiftedMax = channelMaxAbs(shifted.data, layout);
        const tol = (i: number) => eg(i) + eShifted(i) + 2 * es * shiftedMax[channelOf(i, layout)];
        const i = firstMismatch(a, b, tol);
        if (i >= 0) fail(`element ${i}: P(g) = ${a[i]}, P(g + c) = ${b[i]} (c = ${shifts[channelOf(i, layout)]})`);
      },
    },
    {
      name: name('self-adjoint: <P g, h> = <g, P h>'),
      arbitrary: centredTensorArb(ctx).chain((g) => fc.tuple(fc.constant(g), sameShapeArb(g, 1))),
      async predicate([g, [h]]: [TensorSpec, TensorSpec[]]) {
        const layout = channelLayout(g.shape, g.outAxis);
        const pg = await P(ctx, g, 'gc');
        const ph = await P(ctx, h, 'gc');
        const eg = errP(ctx, g, layout);
        const eh = errP(ctx, h, layout);
        let left = 0;
        let right = 0;
        let tol = 0;
        for (let i = 0; i < layout.size; i++) {
          left += pg[i] * h.data[i];
          right += g.data[i] * ph[i];
          // each side: the projection error times the other factor, plus float64 dot-product rounding
          tol += eg(i) * Math.abs(h.data[i]) + eh(i) * Math.abs(g.data[i]);
          tol += (layout.size + 1) * EPS64 * (Math.abs(pg[i] * h.data[i]) + Math.abs(g.data[i] * ph[i]));
        }
        if (!(Math.abs(left - right) <= tol)) fail(`<Pg,h> = ${left}, <g,Ph> = ${right}, tolerance ${tol}`);
      },
    },
    {
      name: name('never increases the norm: ‖P g‖ ≤ ‖g‖'),
      arbitrary: centredTensorArb(ctx),
      async predicate(g: TensorSpec) {
        const layout = channelLayout(g.shape, g.outAxis);
        const pg = await P(ctx, g, 'gc');
        const e = errP(ctx, g, layout);
        let n2 = 0;
        let p2 = 0;
        let err2 = 0;
        for (let i = 0; i < layout.size; i++) {
          n2 += g.data[i] * g.data[i];
          p2 += pg[i] * pg[i];
          err2 += e(i) * e(i);
        }
        // ‖P̂g‖ ≤ ‖Pg‖ + ‖P̂g − Pg‖ ≤ ‖g‖ + sqrt(Σ errP²); the float64 norms cost (N+1)·ε64 relative
        const tol = Math.sqrt(err2) + (layout.size + 1) * EPS64 * (Math.sqrt(n2) + Math.sqrt(p2));
        if (!(Math.sqrt(p2) <= Math.sqrt(n2) + tol)) fail(`‖Pg‖ = ${Math.sqrt(p2)} > ‖g‖ = ${Math.sqrt(n2)} (+${tol})`);
      },
    },
    {
      name: name('below the rank rule (1-D; rank < 4 under gcc) the tensor passes through bit-identical'),
      arbitrary: fc.oneof(
        fc.tuple(
          tensorArb({ maxRank: 1, dtypes: ctx.dtypes, outAxes: ctx.outAxes }),
          fc.constantFrom<GcRule>('gc', 'gcc', 'none'),
        ),
        fc.tuple(
          tensorArb({ maxRank: 3, dtypes: ctx.dtypes, outAxes: ctx.outAxes, maxSize: ctx.maxSize }),
          fc.constantFrom<GcRule>('gcc', 'none'),
        ),
        fc.tuple(
          tensorArb({ minRank: 4, dtypes: ctx.dtypes, outAxes: ctx.outAxes, maxSize: ctx.maxSize }),
          fc.constant<GcRule>('none'),
        ),
      ),
      async predicate([g, rule]: [TensorSpec, GcRule]) {
        if (centres(g.shape.length, rule)) fail('generator error: the rule applies');
        const out = await P(ctx, g, rule);
        const same = ctx.impl.signedZeros === false ? out.every((x, i) => x === g.data[i]) : bitIdentical(out, g.data);
        if (!same) fail(`rule ${rule} changed ${describeTensor(g)}`);
      },
    },
    ...(ctx.outAxes.includes(0) && ctx.outAxes.includes(-1)
      ? [
          {
            name: name('depends on outAxis exactly as a transpose predicts'),
            arbitrary: fc.tuple(centredTensorArb({ ...ctx, outAxes: [0] }), fc.constantFrom<OutAxisChoice>(0, -1)),
            async predicate([t, a]: [TensorSpec, OutAxisChoice]) {
              // t is drawn channels-first; for a = -1 the same values are laid out channels-last
              const rest = t.shape.slice(1);
              const g: TensorSpec =
                a === 0
                  ? t
                  : {
                      ...t,
                      shape: [...rest, t.shape[0]],
                      outAxis: -1,
                      data: moveAxisBack(t.data, [...rest, t.shape[0]], rest.length),
                    };
              const direct = await P(ctx, g, 'gc');
              // move the channel axis to the other end, centralize there, move it back
              let predicted: FloatArray;
              if (a === 0) {
                const lastShape = [...rest, t.shape[0]];
                const moved = moveAxisBack(g.data, lastShape, rest.length);
                const out = await P(ctx, { ...g, shape: lastShape, outAxis: -1, data: moved }, 'gc');
                predicted = moveAxisToFront(out, lastShape, rest.length).data;
              } else {
                const front = moveAxisToFront(g.data, g.shape, g.shape.length - 1);
                const out = await P(ctx, { ...g, shape: front.shape, outAxis: 0, data: front.data }, 'gc');
                predicted = moveAxisBack(out, g.shape, g.shape.length - 1);
              }
              const layout = channelLayout(g.shape, g.outAxis);
              const e = errP(ctx, g, layout);
              const i = firstMismatch(direct, predicted, (j) => 2 * e(j));
              if (i >= 0)
                fail(`${describeTensor(g)}, element ${i}: ${direct[i]} vs transpose-predicted ${predicted[i]}`);
            },
          },
        ]
      : []),
    {
      name: name('pure: the input is left unchanged'),
      arbitrary: tensorArb({ dtypes: ctx.dtypes, outAxes: ctx.outAxes, maxSize: ctx.maxSize }),
      async predicate(g: TensorSpec) {
        const input = toDType(g.dtype, g.data);
        const out = await ctx.impl.centralize(input, { shape: g.shape, outAxis: g.outAxis, rule: 'gc' });
        if (!bitIdentical(input, g.data)) fail(`the input of ${describeTensor(g)} was modified`);
        if (out === input || (out.buffer === input.buffer && g.data.length > 0))
          fail('returned the input array itself');
      },
    },
    {
      name: name('rejects shapes with a zero-length axis'),
      arbitrary: fc.tuple(emptyShapeArb(), fc.constantFrom(...ctx.dtypes)),
      async predicate([shape, dtype]: [number[], DType]) {
        const size = shape.reduce((a, b) => a * b, 1);
        let threw = false;
        try {
          await ctx.impl.centralize(toDType(dtype, new Array(size).fill(0)), { shape, outAxis: 0, rule: 'gc' });
        } catch {
          threw = true;
        }
        if (!threw) fail(`shape [${shape}] was accepted`);
      },
    },
  ];
}
