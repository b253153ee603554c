import type { LayerSpec } from '../../src/builder/layerSpecs.js';
import type { LossName } from '../../src/builder/losses.js';

/**
 * An independent float64 forward pass in plain JS (NCHW, ONNX semantics), for checking float32
 * gradient models against finite differences computed without ONNX Runtime.
 */
export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

function conv2d(
  x: RefTensor,
  w: Float64Array,
  wShape: number[],
  b: Float64Array | undefined,
  stride: [number, number],
  pad: [number, number],
): RefTensor {
  const [n, c, h, wd] = x.shape;
  const [m, , kh, kw] = wShape;
  const oh = Math.floor((h + 2 * pad[0] - kh) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * pad[1] - kw) / stride[1]) + 1;
  const y = new Float64Array(n * m * oh * ow);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < m; o++)
      for (let r = 0; r < oh; r++)
        for (let q = 0; q < ow; q++) {
          let acc = b ? b[o] : 0;
          for (let ci = 0; ci < c; ci++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) {
                const yy = r * stride[0] - pad[0] + a;
                const xx = q * stride[1] - pad[1] + e;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                acc += x.data[((i * c + ci) * h + yy) * wd + xx] * w[((o * c + ci) * kh + a) * kw + e];
              }
          y[((i * m + o) * oh + r) * ow + q] = acc;
        }
  return { data: y, shape: [n, m, oh, ow] };
}

function pool(
  x: RefTensor,
  kind: 'max' | 'average',
  size: [number, number],
  stride: [number, number],
  pad: [number, number],
): RefTensor {
  const [n, c, h, wd] = x.shape;
  const [kh, kw] = size;
  const oh = Math.floor((h + 2 * pad[0] - kh) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * pad[1] - kw) / stride[1]) + 1;
  const y = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let r = 0; r < oh; r++)
      for (let q = 0; q < ow; q++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let a = 0; a < kh; a++)
          for (let e = 0; e < kw; e++) {
            const yy = r * stride[0] - pad[0] + a;
            const xx = q * stride[1] - pad[1] + e;
            if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue; // max ignores padding; average counts it as 0
            const v = x.data[(p * h + yy) * wd + xx];
            acc = kind === 'max' ? Math.max(acc, v) : acc + v;
          }
        y[(p * oh + r) * ow + q] = kind === 'max' ? acc : acc / (kh * kw);
      }
  return { data: y, shape: [n, c, oh, ow] };
}

/** Runs `layers` then the loss; `params` in the builder's order (weight, then bias, per layer). */
export function referenceLoss(
  layers: LayerSpec[],
  loss: LossName,
  input: RefTensor,
  params: { shape: number[]; data: Float64Array }[],
  targets: Float64Array,
): number {
  let x = input;
  let next = 0;
  for (const layer of layers) {
    switch (layer.type) {
      case 'conv2d': {
        const w = params[next++];
        const b = layer.useBias === false ? undefined : params[next++].data;
        const [kh, kw] = pair(layer.kernel);
        const padding = layer.padding ?? 'valid';
        const pad: [number, number] =
          padding === 'valid' ? [0, 0] : padding === 'same' ? [(kh - 1) / 2, (kw - 1) / 2] : pair(padding);
        x = conv2d(x, w.data, w.shape, b, pair(layer.stride ?? 1), pad);
        break;
      }
      case 'dense': {
        const w = params[next++];
        const b = layer.useBias === false ? undefined : params[next++].data;
        const outIn = layer.weightLayout === 'outIn';
        const [n, k] = [x.shape[0], x.data.length / x.shape[0]];
        const u = layer.units;
        const y = new Float64Array(n * u);
        for (let i = 0; i < n; i++)
          for (let o = 0; o < u; o++) {
            let acc = b ? b[o] : 0;
            for (let j = 0; j < k; j++) acc += x.data[i * k + j] * w.data[outIn ? o * k + j : j * u + o];
            y[i * u + o] = acc;
          }
        x = { data: y, shape: [n, u] };
        break;
      }
      case 'relu':
        x = { data: x.data.map((v) => Math.max(v, 0)), shape: x.shape };
        break;
      case 'tanh':
        x = { data: x.data.map(Math.tanh), shape: x.shape };
        break;
      case 'sigmoid':
        x = { data: x.data.map((v) => 1 / (1 + Math.exp(-v))), shape: x.shape };
        break;
      case 'maxPool':
      case 'averagePool':
        x = pool(
          x,
          layer.type === 'maxPool' ? 'max' : 'average',
          pair(layer.size),
          pair(layer.stride ?? layer.size),
          pair(layer.padding ?? 0),
        );
        break;
      case 'flatten':
        x = { data: x.data, shape: [x.shape[0], x.data.length / x.shape[0]] };
        break;
      case 'reshape':
        x = { data: x.data, shape: [x.shape[0], ...layer.shape] };
        break;
      case 'dropout':
        break; // identity (the gradient model is built with dropout: 'identity')
    }
  }
  const n = x.shape[0];
  const k = x.data.length / n;
  if (loss === 'meanSquaredError') {
    let s = 0;
    for (let i = 0; i < x.data.length; i++) s += (x.data[i] - targets[i]) ** 2;
    return s / x.data.length;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, x.data[i * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(x.data[i * k + j] - max);
    for (let j = 0; j < k; j++) total -= targets[i * k + j] * (x.data[i * k + j] - max - Math.log(sum));
  }
  return total / n;
}
