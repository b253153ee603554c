import type { DenseSpec } from '../layerSpecs.js';
import { expectRank, type PlanContext, type PlannedLayer } from '../layer.js';
import { heUniform } from '../initializers.js';

/**
 * Dense as ONNX Gemm. Backward with W [in, out]: dW = xᵀ·dy (Gemm transA), dx = dy·Wᵀ (Gemm transB);
 * with W [out, in] (transB=1): dW = dyᵀ·x, dx = dy·W. db = Σ_batch dy.
 */
export function planDense(spec: DenseSpec, ctx: PlanContext): PlannedLayer {
  expectRank(ctx.name, ctx.inShape, 1, 'put a flatten layer before it');
  if (!Number.isInteger(spec.units) || spec.units < 1)
    throw new Error(`${ctx.name}.units: expected a positive integer, got ${spec.units}`);
  const [inputs] = ctx.inShape;
  const units = spec.units;
  const weight = `${ctx.name}.weight`;
  const bias = `${ctx.name}.bias`;
  const useBias = spec.useBias ?? true;
  const layout = spec.weightLayout ?? 'inOut';
  if (layout !== 'inOut' && layout !== 'outIn')
    throw new Error(`${ctx.name}.weightLayout: expected 'inOut' or 'outIn', got ${JSON.stringify(layout)}`);
  const outIn = layout === 'outIn';
  const params = [
    {
      name: weight,
      shape: outIn ? [units, inputs] : [inputs, units],
      values: heUniform(ctx.random, inputs * units, inputs),
      outAxis: outIn ? 0 : 1,
      gc: true,
    },
  ];
  if (useBias) params.push({ name: bias, shape: [units], values: new Float64Array(units), outAxis: 0, gc: false });
  return {
    name: ctx.name,
    outShape: [units],
    params,
    forward(g, x) {
      const output = g.op(
        'Gemm',
        useBias ? [x, weight, bias] : [x, weight],
        outIn ? { transB: { i: 1 } } : {},
        `${ctx.name}.out`,
      );
      return { output, saved: {} };
    },
    backward(g, x, _fwd, dy, wantInputGrad) {
      const paramGrads: Record<string, string> = {};
      paramGrads[weight] = outIn
        ? g.op('Gemm', [dy, x], { transA: { i: 1 } }, `${ctx.name}.dweight`)
        : g.op('Gemm', [x, dy], { transA: { i: 1 } }, `${ctx.name}.dweight`);
      if (useBias)
        paramGrads[bias] = g.op('ReduceSum', [dy, g.int64Const([0])], { keepdims: { i: 0 } }, `${ctx.name}.dbias`);
      const inputGrad = wantInputGrad
        ? g.op('Gemm', [dy, weight], outIn ? {} : { transB: { i: 1 } }, `${ctx.name}.dinput`)
        : undefined;
      return { inputGrad, paramGrads };
    },
  };
}
