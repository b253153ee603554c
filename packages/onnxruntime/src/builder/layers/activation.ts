import type { ActivationSpec } from '../layerSpecs.js';
import type { GraphBuilder } from '../graphBuilder.js';
import type { PlanContext, PlannedLayer } from '../layer.js';

/** Derivative of each activation written from its output y (what the forward pass saves). */
const backwardFromOutput: Record<
  ActivationSpec['type'],
  (g: GraphBuilder, y: string, dy: string, name: string) => string
> = {
  // relu'(x) = [y > 0]
  relu: (g, y, dy, name) =>
    g.op(
      'Where',
      [g.op('Greater', [y, g.floatConst([0])], {}, `${name}.mask`), dy, g.floatConst([0])],
      {},
      `${name}.dinput`,
    ),
  // tanh'(x) = 1 - y²
  tanh: (g, y, dy, name) =>
    g.op(
      'Mul',
      [dy, g.op('Sub', [g.floatConst([1]), g.op('Mul', [y, y], {}, `${name}.y2`)], {}, `${name}.slope`)],
      {},
      `${name}.dinput`,
    ),
  // σ'(x) = y (1 - y)
  sigmoid: (g, y, dy, name) =>
    g.op(
      'Mul',
      [dy, g.op('Mul', [y, g.op('Sub', [g.floatConst([1]), y], {}, `${name}.1my`)], {}, `${name}.slope`)],
      {},
      `${name}.dinput`,
    ),
};

const onnxOp = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' } as const;

export function planActivation(spec: ActivationSpec, ctx: PlanContext): PlannedLayer {
  return {
    name: ctx.name,
    outShape: ctx.inShape,
    params: [],
    forward(g, x) {
      return { output: g.op(onnxOp[spec.type], [x], {}, `${ctx.name}.out`), saved: {} };
    },
    backward(g, _x, fwd, dy, wantInputGrad) {
      return {
        inputGrad: wantInputGrad ? backwardFromOutput[spec.type](g, fwd.output, dy, ctx.name) : undefined,
        paramGrads: {},
      };
    },
  };
}
