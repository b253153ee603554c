import type { NamedTensor } from '@gcopt/demo/browser';

/**
 * PyTorch ↔ tfjs layouts of the demo's CNN. A conv kernel is `[out, in, kh, kw]` in PyTorch and
 * `[kh, kw, in, out]` in tfjs; the dense kernel is `[out, in]` vs `[in, out]`, where its input is the
 * flattened last feature map: channel-first (c, h, w) in PyTorch, channel-last (h, w, c) in tfjs.
 */
export function convToTfjs(t: NamedTensor): { data: Float32Array; shape: number[] } {
  const [o, i, kh, kw] = t.shape;
  const data = new Float32Array(t.data.length);
  forConv(o, i, kh, kw, (torch, tfjs) => (data[tfjs] = t.data[torch]));
  return { data, shape: [kh, kw, i, o] };
}

export function convFromTfjs(data: Float32Array, like: NamedTensor): NamedTensor {
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

export function denseToTfjs(t: NamedTensor, channels: number, side: number): { data: Float32Array; shape: number[] } {
  const [outs, ins] = t.shape;
  const data = new Float32Array(t.data.length);
  forDense(outs, ins, channels, side, (torch, tfjs) => (data[tfjs] = t.data[torch]));
  return { data, shape: [ins, outs] };
}

export function denseFromTfjs(data: Float32Array, like: NamedTensor, channels: number, side: number): NamedTensor {
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
