import type * as Tf from '@tensorflow/tfjs';
import { IMAGE_SIDE } from '@gcopt/mnist-data';
import { SMALL_CNN, type NamedTensor } from './smallCnn.js';

/** Side of the last feature map (28 → 26 → 13 → 11 → 5). */
const LAST_SIDE = 5;

/**
 * The demo's small CNN as a tfjs-layers model (used by the demo's tfjs backend and by examples/web's
 * page), holding `weights` (PyTorch layout, named as in SMALL_CNN_PARAMS) in tfjs's channel-last layout.
 * `tf` is the caller's module, on whatever backend it has set.
 */
export function smallCnnTfjs(tf: typeof Tf, weights: readonly NamedTensor[]): Tf.Sequential {
  const c1 = SMALL_CNN.conv1;
  const c2 = SMALL_CNN.conv2;
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        filters: c1.out,
        kernelSize: c1.k,
        padding: 'valid',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: c2.out, kernelSize: c2.k, padding: 'valid', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: SMALL_CNN.fc.out }),
    ],
  });
  const byName = new Map(weights.map((w) => [w.name, w]));
  const named = (name: string): NamedTensor => {
    const t = byName.get(name);
    if (!t) throw new Error(`smallCnnTfjs: weights has no tensor named '${name}'`);
    return t;
  };
  const tensor = (x: { data: Float32Array; shape: readonly number[] }) => tf.tensor(x.data, [...x.shape]);
  const values = [
    tensor(convToTfjs(named('conv1.weight'))),
    tensor(named('conv1.bias')),
    tensor(convToTfjs(named('conv2.weight'))),
    tensor(named('conv2.bias')),
    tensor(denseToTfjs(named('fc.weight'), c2.out, LAST_SIDE)),
    tensor(named('fc.bias')),
  ];
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/** The weights of a model built by `smallCnnTfjs`, back in PyTorch layout, named and shaped like `like`. */
export async function smallCnnTfjsWeights(model: Tf.LayersModel, like: readonly NamedTensor[]): Promise<NamedTensor[]> {
  const values = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  return [
    convFromTfjs(values[0], like[0]),
    { ...like[1], data: values[1].slice() },
    convFromTfjs(values[2], like[2]),
    { ...like[3], data: values[3].slice() },
    denseFromTfjs(values[4], like[4], SMALL_CNN.conv2.out, LAST_SIDE),
    { ...like[5], data: values[5].slice() },
  ];
}

/*
 * PyTorch ↔ tfjs layouts of the demo's CNN. A conv kernel is `[out, in, kh, kw]` in PyTorch and
 * `[kh, kw, in, out]` in tfjs; the dense kernel is `[out, in]` vs `[in, out]`, where its input is the
 * flattened last feature map: channel-first (c, h, w) in PyTorch, channel-last (h, w, c) in tfjs.
 */

function convToTfjs(t: NamedTensor): { data: Float32Array; shape: number[] } {
  const [o, i, kh, kw] = t.shape;
  const data = new Float32Array(t.data.length);
  forConv(o, i, kh, kw, (torch, tfjs) => (data[tfjs] = t.data[torch]));
  return { data, shape: [kh, kw, i, o] };
}

function convFromTfjs(data: Float32Array, like: NamedTensor): NamedTensor {
  const [o, i, kh, kw] = like.shape;
  const out = new Float32Array(data.length);
  forConv(o, i, kh, kw, (torch, tfjs) => (out[torch] = data[tfjs]));
  return { name: like.name, shape: [...like.shape], data: out };
}

function forConv(o: number, i: number, kh: number, kw: number, visit: (torch: number, tfjs: number) => void): void {
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) visit(((a * i + b) * kh + y) * kw + x, ((y * kw + x) * i + b) * o + a);
}

function denseToTfjs(t: NamedTensor, channels: number, side: number): { data: Float32Array; shape: number[] } {
  const [outs, ins] = t.shape;
  const data = new Float32Array(t.data.length);
  forDense(outs, ins, channels, side, (torch, tfjs) => (data[tfjs] = t.data[torch]));
  return { data, shape: [ins, outs] };
}

function denseFromTfjs(data: Float32Array, like: NamedTensor, channels: number, side: number): NamedTensor {
  const [outs, ins] = like.shape;
  const out = new Float32Array(data.length);
  forDense(outs, ins, channels, side, (torch, tfjs) => (out[torch] = data[tfjs]));
  return { name: like.name, shape: [...like.shape], data: out };
}

function forDense(
  outs: number,
  ins: number,
  channels: number,
  side: number,
  visit: (torch: number, tfjs: number) => void,
): void {
  for (let o = 0; o < outs; o++)
    for (let c = 0; c < channels; c++)
      for (let h = 0; h < side; h++)
        for (let w = 0; w < side; w++)
          visit(o * ins + (c * side + h) * side + w, ((h * side + w) * channels + c) * outs + o);
}
