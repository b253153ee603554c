import type { DropoutSpec, FlattenSpec, ReshapeSpec } from '../layerSpecs.js';
import { sizeOf, type PlanContext, type PlannedLayer } from '../layer.js';
import type { GraphBuilder } from '../graphBuilder.js';

function reshapeBack(g: GraphBuilder, name: string, x: string, dy: string): string {
  return g.op('Reshape', [dy, g.op('Shape', [x], {}, `${name}.inShape`)], {}, `${name}.dinput`);
}

/** Flatten [N, ...] → [N, prod(...)]; backward reshapes dy to x's shape. */
export function planFlatten(_spec: FlattenSpec, ctx: PlanContext): PlannedLayer {
  return {
    name: ctx.name,
    outShape: [sizeOf(ctx.inShape)],
    params: [],
    forward: (g, x) => ({ output: g.op('Flatten', [x], { axis: { i: 1 } }, `${ctx.name}.out`), saved: {} }),
    backward: (g, x, _f, dy, want) => ({
      inputGrad: want ? reshapeBack(g, ctx.name, x, dy) : undefined,
      paramGrads: {},
    }),
  };
}

/** Reshape each example to `shape`, keeping the batch dimension. */
export function planReshape(spec: ReshapeSpec, ctx: PlanContext): PlannedLayer {
  if (
    !Array.isArray(spec.shape) ||
    !spec.shape.every((d) => Number.isInteger(d) && d > 0) ||
    sizeOf(spec.shape) !== sizeOf(ctx.inShape)
  ) {
    throw new Error(
      `${ctx.name}.shape: expected positive integers with ${sizeOf(ctx.inShape)} elements in all (input ` +
        `[${ctx.inShape.join(', ')}]), got ${JSON.stringify(spec.shape)}`,
    );
  }
  return {
    name: ctx.name,
    outShape: [...spec.shape],
    params: [],
    forward: (g, x) => ({
      output: g.op('Reshape', [x, g.int64Const([-1, ...spec.shape])], {}, `${ctx.name}.out`),
      saved: {},
    }),
    backward: (g, x, _f, dy, want) => ({
      inputGrad: want ? reshapeBack(g, ctx.name, x, dy) : undefined,
      paramGrads: {},
    }),
  };
}

/**
 * Inverted dropout (ONNX Dropout with training_mode=1 keeps elements with probability 1-rate and scales
 * them by 1/(1-rate)); backward applies the same mask and scale. Identity in the inference model, and in
 * the gradient model when it is built with `dropout: 'identity'` (deterministic, for gradient checks).
 */
export function planDropout(spec: DropoutSpec, ctx: PlanContext, active: boolean): PlannedLayer {
  if (!(spec.rate >= 0 && spec.rate < 1))
    throw new Error(`${ctx.name}.rate: expected a number in [0, 1), got ${spec.rate}`);
  return {
    name: ctx.name,
    outShape: ctx.inShape,
    params: [],
    forward(g, x, mode) {
      if (mode === 'infer' || !active || spec.rate === 0) return { output: x, saved: {} };
      const ratio = g.floatConst([spec.rate]);
      const trainingMode = g.constBool(true);
      const [output, mask] = g.opN('Dropout', [x, ratio, trainingMode], [`${ctx.name}.out`, `${ctx.name}.mask`]);
      return { output, saved: { mask } };
    },
    backward(g, _x, fwd, dy, want) {
      if (!want) return { paramGrads: {} };
      if (!fwd.saved.mask) return { inputGrad: dy, paramGrads: {} };
      const scaled = g.op('Mul', [dy, g.floatConst([1 / (1 - spec.rate)])], {}, `${ctx.name}.scaled`);
      return {
        inputGrad: g.op('Where', [fwd.saved.mask, scaled, g.floatConst([0])], {}, `${ctx.name}.dinput`),
        paramGrads: {},
      };
    },
  };
}
