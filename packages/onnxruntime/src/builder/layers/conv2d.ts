import { pair, type Conv2DSpec } from '../layerSpecs.js';
import { expectRank, type PlanContext, type PlannedLayer } from '../layer.js';
import { heUniform } from '../initializers.js';

/**
 * Conv2D as ONNX Conv. Backward, all standard ops:
 *  - dx = ConvTranspose(dy, W) with the forward's strides/pads (output_padding restores H, W);
 *  - dW = Conv(xᵀ, dyᵀ) with dilations = forward strides, where ᵀ swaps batch and channels,
 *    cropped to the kernel size and transposed back to [M, C, kh, kw];
 *  - db = Σ dy over batch and space.
 */
export function planConv2D(spec: Conv2DSpec, ctx: PlanContext): PlannedLayer {
  expectRank(ctx.name, ctx.inShape, 3, 'conv2d takes NCHW input: give the input shape as [channels, height, width]');
  const [channels, height, width] = ctx.inShape;
  const filters = spec.filters;
  if (!Number.isInteger(filters) || filters < 1) throw new Error(`${ctx.name}.filters: expected a positive integer, got ${filters}`);
  const [kh, kw] = pair(spec.kernel, `${ctx.name}.kernel`);
  if (kh < 1 || kw < 1) throw new Error(`${ctx.name}.kernel: must be at least 1`);
  const [sh, sw] = pair(spec.stride ?? 1, `${ctx.name}.stride`);
  if (sh < 1 || sw < 1) throw new Error(`${ctx.name}.stride: must be at least 1`);
  const [ph, pw] = resolvePadding(spec, ctx.name, kh, kw, sh, sw);
  const outH = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outW = Math.floor((width + 2 * pw - kw) / sw) + 1;
  if (outH < 1 || outW < 1) throw new Error(`${ctx.name}: the ${kh}x${kw} kernel does not fit the ${height}x${width} input with padding ${ph},${pw}`);
  const weight = `${ctx.name}.weight`;
  const bias = `${ctx.name}.bias`;
  const useBias = spec.useBias ?? true;
  const fanIn = channels * kh * kw;
  const params = [{ name: weight, shape: [filters, channels, kh, kw], values: heUniform(ctx.random, filters * fanIn, fanIn), outAxis: 0, gc: true }];
  if (useBias) params.push({ name: bias, shape: [filters], values: new Float64Array(filters), outAxis: 0, gc: false });
  const geometry = { strides: { ints: [sh, sw] }, pads: { ints: [ph, pw, ph, pw] } };
  return {
    name: ctx.name,
    outShape: [filters, outH, outW],
    params,
    forward(g, x) {
      const output = g.op('Conv', useBias ? [x, weight, bias] : [x, weight], { kernel_shape: { ints: [kh, kw] }, ...geometry }, `${ctx.name}.out`);
      return { output, saved: {} };
    },
    backward(g, x, _fwd, dy, wantInputGrad) {
      const paramGrads: Record<string, string> = {};
      const swap = { perm: { ints: [1, 0, 2, 3] } };
      const xT = g.op('Transpose', [x], swap, `${ctx.name}.xT`);
      const dyT = g.op('Transpose', [dy], swap, `${ctx.name}.dyT`);
      let dWT = g.op('Conv', [xT, dyT], { dilations: { ints: [sh, sw] }, strides: { ints: [1, 1] }, pads: geometry.pads }, `${ctx.name}.dweightT`);
      // The correlation covers (H + 2p - (outH-1)·s) rows; rows past kh only arise when the stride skips the input's tail.
      const fullH = height + 2 * ph - (outH - 1) * sh;
      const fullW = width + 2 * pw - (outW - 1) * sw;
      if (fullH !== kh || fullW !== kw) {
        dWT = g.op('Slice', [dWT, g.int64Const([0, 0]), g.int64Const([kh, kw]), g.int64Const([2, 3])], {}, `${ctx.name}.dweightT_crop`);
      }
      paramGrads[weight] = g.op('Transpose', [dWT], swap, `${ctx.name}.dweight`);
      if (useBias) paramGrads[bias] = g.op('ReduceSum', [dy, g.int64Const([0, 2, 3])], { keepdims: { i: 0 } }, `${ctx.name}.dbias`);
      let inputGrad: string | undefined;
      if (wantInputGrad) {
        const outputPadding = [height - ((outH - 1) * sh + kh - 2 * ph), width - ((outW - 1) * sw + kw - 2 * pw)];
        inputGrad = g.op('ConvTranspose', [dy, weight], { ...geometry, kernel_shape: { ints: [kh, kw] }, output_padding: { ints: outputPadding } }, `${ctx.name}.dinput`);
      }
      return { inputGrad, paramGrads };
    },
  };
}

function resolvePadding(spec: Conv2DSpec, name: string, kh: number, kw: number, sh: number, sw: number): [number, number] {
  const padding = spec.padding ?? 'valid';
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    if (kh % 2 === 0 || kw % 2 === 0 || sh !== 1 || sw !== 1) {
      throw new Error(`${name}.padding: 'same' needs an odd kernel and stride 1 (got kernel ${kh}x${kw}, stride ${sh}x${sw}); give explicit padding`);
    }
    return [(kh - 1) / 2, (kw - 1) / 2];
  }
  return pair(padding, `${name}.padding`);
}
