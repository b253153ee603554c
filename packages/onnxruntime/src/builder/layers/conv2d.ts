import { pair, type Conv2DSpec } from '../layerSpecs.js';
import { expectRank, type PlanContext, type PlannedLayer } from '../layer.js';
import { heUniform } from '../initializers.js';
import type { GraphBuilder } from '../graphBuilder.js';

/**
 * Conv2D as ONNX Conv. Backward, all standard ops:
 *  - dx = ConvTranspose(dy, W) with the forward's strides/pads (output_padding restores H, W);
 *  - dW = Σ_batch patches(x) · dyᵀ (see unfoldWeightGrad);
 *  - db = Σ dy over batch and space.
 */
export function planConv2D(spec: Conv2DSpec, ctx: PlanContext): PlannedLayer {
  expectRank(ctx.name, ctx.inShape, 3, 'conv2d takes NCHW input: give the input shape as [channels, height, width]');
  const [channels, height, width] = ctx.inShape;
  const filters = spec.filters;
  if (!Number.isInteger(filters) || filters < 1)
    throw new Error(`${ctx.name}.filters: expected a positive integer, got ${filters}`);
  const [kh, kw] = pair(spec.kernel, `${ctx.name}.kernel`);
  if (kh < 1 || kw < 1) throw new Error(`${ctx.name}.kernel: must be at least 1`);
  const [sh, sw] = pair(spec.stride ?? 1, `${ctx.name}.stride`);
  if (sh < 1 || sw < 1) throw new Error(`${ctx.name}.stride: must be at least 1`);
  const [ph, pw] = resolvePadding(spec, ctx.name, kh, kw, sh, sw);
  const outH = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outW = Math.floor((width + 2 * pw - kw) / sw) + 1;
  if (outH < 1 || outW < 1)
    throw new Error(
      `${ctx.name}: the ${kh}x${kw} kernel does not fit the ${height}x${width} input with padding ${ph},${pw}`,
    );
  const weight = `${ctx.name}.weight`;
  const bias = `${ctx.name}.bias`;
  const useBias = spec.useBias ?? true;
  const fanIn = channels * kh * kw;
  const params = [
    {
      name: weight,
      shape: [filters, channels, kh, kw],
      values: heUniform(ctx.random, filters * fanIn, fanIn),
      outAxis: 0,
      gc: true,
    },
  ];
  if (useBias) params.push({ name: bias, shape: [filters], values: new Float64Array(filters), outAxis: 0, gc: false });
  const geometry = { strides: { ints: [sh, sw] }, pads: { ints: [ph, pw, ph, pw] } };
  return {
    name: ctx.name,
    outShape: [filters, outH, outW],
    params,
    forward(g, x) {
      const output = g.op(
        'Conv',
        useBias ? [x, weight, bias] : [x, weight],
        { kernel_shape: { ints: [kh, kw] }, ...geometry },
        `${ctx.name}.out`,
      );
      return { output, saved: {} };
    },
    backward(g, x, _fwd, dy, wantInputGrad) {
      const paramGrads: Record<string, string> = {};
      paramGrads[weight] = unfoldWeightGrad(
        g,
        ctx.name,
        x,
        dy,
        [channels, height, width],
        [filters, kh, kw],
        [outH, outW],
        geometry,
      );
      if (useBias)
        paramGrads[bias] = g.op(
          'ReduceSum',
          [dy, g.int64Const([0, 2, 3])],
          { keepdims: { i: 0 } },
          `${ctx.name}.dbias`,
        );
      let inputGrad: string | undefined;
      if (wantInputGrad) {
        const outputPadding = [height - ((outH - 1) * sh + kh - 2 * ph), width - ((outW - 1) * sw + kw - 2 * pw)];
        inputGrad = g.op(
          'ConvTranspose',
          [dy, weight],
          { ...geometry, kernel_shape: { ints: [kh, kw] }, output_padding: { ints: outputPadding } },
          `${ctx.name}.dinput`,
        );
      }
      return { inputGrad, paramGrads };
    },
  };
}

type Geometry = { strides: { ints: number[] }; pads: { ints: number[] } };

/**
 * dW from explicit patches: a Conv with a constant one-hot kernel unfolds x into [N, C·kh·kw, L]
 * (L = output positions), a batched MatMul with dyᵀ [N, L, M] and a sum over the batch give [C·kh·kw, M].
 * (Measured faster in ONNX Runtime than correlating xᵀ with dyᵀ as a Conv whose kernel is dy: that
 * kernel spans the whole feature map.)
 */
function unfoldWeightGrad(
  g: GraphBuilder,
  name: string,
  x: string,
  dy: string,
  [channels, height, width]: number[],
  [filters, kh, kw]: number[],
  [outH, outW]: number[],
  geometry: Geometry,
): string {
  const taps = kh * kw;
  const oneHot = new Array(taps * taps).fill(0);
  for (let t = 0; t < taps; t++) oneHot[t * taps + t] = 1;
  const perChannel = g.op('Reshape', [x, g.int64Const([-1, 1, height, width])], {}, `${name}.xPlanes`);
  const patches = g.op(
    'Conv',
    [perChannel, g.floatConst(oneHot, [taps, 1, kh, kw])],
    { ...geometry, kernel_shape: { ints: [kh, kw] } },
    `${name}.patches`,
  );
  const columns = g.op('Reshape', [patches, g.int64Const([-1, channels * taps, outH * outW])], {}, `${name}.columns`);
  const dyRows = g.op(
    'Transpose',
    [g.op('Reshape', [dy, g.int64Const([-1, filters, outH * outW])], {}, `${name}.dyFlat`)],
    { perm: { ints: [0, 2, 1] } },
    `${name}.dyRows`,
  );
  const perExample = g.op('MatMul', [columns, dyRows], {}, `${name}.dweightPerExample`);
  const summed = g.op('ReduceSum', [perExample, g.int64Const([0])], { keepdims: { i: 0 } }, `${name}.dweightT`);
  return g.op(
    'Reshape',
    [
      g.op('Transpose', [summed], { perm: { ints: [1, 0] } }, `${name}.dweightFlat`),
      g.int64Const([filters, channels, kh, kw]),
    ],
    {},
    `${name}.dweight`,
  );
}

function resolvePadding(
  spec: Conv2DSpec,
  name: string,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): [number, number] {
  const padding = spec.padding ?? 'valid';
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    if (kh % 2 === 0 || kw % 2 === 0 || sh !== 1 || sw !== 1) {
      throw new Error(
        `${name}.padding: 'same' needs an odd kernel and stride 1 (got kernel ${kh}x${kw}, stride ${sh}x${sw}); give ` +
          `explicit padding`,
      );
    }
    return [(kh - 1) / 2, (kw - 1) / 2];
  }
  return pair(padding, `${name}.padding`);
}
