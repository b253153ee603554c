import { pair, type PoolSpec } from '../layerSpecs.js';
import { expectRank, type PlanContext, type PlannedLayer } from '../layer.js';
import { floatTensor } from '../graphBuilder.js';

/**
 * MaxPool / AveragePool over NCHW input.
 *  - MaxPool backward scatters dy onto the argmax positions (MaxPool's Indices output, flat over the
 *    whole input) with ScatterElements(reduction='add'), so overlapping windows accumulate.
 *  - AveragePool backward is a depthwise ConvTranspose of dy with a constant 1/(kh·kw) kernel
 *    (count_include_pad=1: every window divides by the full kernel size).
 */
export function planPool(spec: PoolSpec, ctx: PlanContext): PlannedLayer {
  expectRank(ctx.name, ctx.inShape, 3, 'pooling takes NCHW input: [channels, height, width]');
  const [channels, height, width] = ctx.inShape;
  const [kh, kw] = pair(spec.size, `${ctx.name}.size`);
  if (kh < 1 || kw < 1) throw new Error(`${ctx.name}.size: must be at least 1`);
  const [sh, sw] = pair(spec.stride ?? spec.size, `${ctx.name}.stride`);
  if (sh < 1 || sw < 1) throw new Error(`${ctx.name}.stride: must be at least 1`);
  const [ph, pw] = pair(spec.padding ?? 0, `${ctx.name}.padding`);
  if (ph >= kh || pw >= kw) throw new Error(`${ctx.name}.padding: must be smaller than the window (${kh}x${kw})`);
  const outH = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outW = Math.floor((width + 2 * pw - kw) / sw) + 1;
  if (outH < 1 || outW < 1)
    throw new Error(`${ctx.name}: the ${kh}x${kw} window does not fit the ${height}x${width} input`);
  const attrs = { kernel_shape: { ints: [kh, kw] }, strides: { ints: [sh, sw] }, pads: { ints: [ph, pw, ph, pw] } };
  const isMax = spec.type === 'maxPool';
  return {
    name: ctx.name,
    outShape: [channels, outH, outW],
    params: [],
    forward(g, x, mode) {
      if (!isMax)
        return {
          output: g.op('AveragePool', [x], { ...attrs, count_include_pad: { i: 1 } }, `${ctx.name}.out`),
          saved: {},
        };
      if (mode === 'infer') return { output: g.op('MaxPool', [x], attrs, `${ctx.name}.out`), saved: {} };
      const [output, indices] = g.opN('MaxPool', [x], [`${ctx.name}.out`, `${ctx.name}.argmax`], attrs);
      return { output, saved: { indices } };
    },
    backward(g, x, fwd, dy, wantInputGrad) {
      if (!wantInputGrad) return { paramGrads: {} };
      if (isMax) {
        const flat = g.int64Const([-1]);
        const zeros = g.op(
          'ConstantOfShape',
          [g.op('Reshape', [g.op('Size', [x], {}, `${ctx.name}.size`), g.int64Const([1])], {}, `${ctx.name}.sizeVec`)],
          { value: { t: floatTensor(g.floatType, [0], [1]) } },
          `${ctx.name}.zeros`,
        );
        const scattered = g.op(
          'ScatterElements',
          [
            zeros,
            g.op('Reshape', [fwd.saved.indices!, flat], {}, `${ctx.name}.argmaxFlat`),
            g.op('Reshape', [dy, flat], {}, `${ctx.name}.dyFlat`),
          ],
          { axis: { i: 0 }, reduction: { s: 'add' } },
          `${ctx.name}.dinputFlat`,
        );
        return {
          inputGrad: g.op(
            'Reshape',
            [scattered, g.op('Shape', [x], {}, `${ctx.name}.inShape`)],
            {},
            `${ctx.name}.dinput`,
          ),
          paramGrads: {},
        };
      }
      const kernel = g.floatConst(new Array(channels * kh * kw).fill(1 / (kh * kw)), [channels, 1, kh, kw]);
      const outputPadding = [height - ((outH - 1) * sh + kh - 2 * ph), width - ((outW - 1) * sw + kw - 2 * pw)];
      const inputGrad = g.op(
        'ConvTranspose',
        [dy, kernel],
        { ...attrs, group: { i: channels }, output_padding: { ints: outputPadding } },
        `${ctx.name}.dinput`,
      );
      return { inputGrad, paramGrads: {} };
    },
  };
}
