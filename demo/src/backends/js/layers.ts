/**
 * The few layers of the demo's small CNN, forward and backward, over Float32Arrays in NCHW layout.
 * Plain loops, innermost over a row so that V8 keeps them tight; no allocation inside.
 */

/** `out[b,o] = bias[o] + Σ_c,kh,kw w[o,c,kh,kw]·in[b,c,i+kh,j+kw]` ("valid" convolution, stride 1). */
export function conv2dForward(
  input: Float32Array,
  batch: number,
  channels: number,
  height: number,
  width: number,
  weight: Float32Array,
  bias: Float32Array,
  outChannels: number,
  k: number,
  out: Float32Array,
): void {
  const oh = height - k + 1;
  const ow = width - k + 1;
  const inPlane = height * width;
  const outPlane = oh * ow;
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outChannels; o++) {
      const outBase = (b * outChannels + o) * outPlane;
      out.fill(bias[o], outBase, outBase + outPlane);
      for (let c = 0; c < channels; c++) {
        const inBase = (b * channels + c) * inPlane;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            const w = weight[((o * channels + c) * k + kh) * k + kw];
            for (let i = 0; i < oh; i++) {
              const rowIn = inBase + (i + kh) * width + kw;
              const rowOut = outBase + i * ow;
              for (let j = 0; j < ow; j++) out[rowOut + j] += w * input[rowIn + j];
            }
          }
        }
      }
    }
  }
}

/**
 * Gradients of `conv2dForward`: accumulates into `dWeight`, `dBias` and, unless `dInput` is null,
 * `dInput` (which must be zeroed by the caller).
 */
export function conv2dBackward(
  input: Float32Array,
  batch: number,
  channels: number,
  height: number,
  width: number,
  weight: Float32Array,
  outChannels: number,
  k: number,
  dOut: Float32Array,
  dWeight: Float32Array,
  dBias: Float32Array,
  dInput: Float32Array | null,
): void {
  const oh = height - k + 1;
  const ow = width - k + 1;
  const inPlane = height * width;
  const outPlane = oh * ow;
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outChannels; o++) {
      const outBase = (b * outChannels + o) * outPlane;
      let db = 0;
      for (let q = 0; q < outPlane; q++) db += dOut[outBase + q];
      dBias[o] += db;
      for (let c = 0; c < channels; c++) {
        const inBase = (b * channels + c) * inPlane;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            const wIndex = ((o * channels + c) * k + kh) * k + kw;
            const w = weight[wIndex];
            let dw = 0;
            for (let i = 0; i < oh; i++) {
              const rowIn = inBase + (i + kh) * width + kw;
              const rowOut = outBase + i * ow;
              if (dInput) {
                for (let j = 0; j < ow; j++) {
                  const g = dOut[rowOut + j];
                  dw += g * input[rowIn + j];
                  dInput[rowIn + j] += w * g;
                }
              } else {
                for (let j = 0; j < ow; j++) dw += dOut[rowOut + j] * input[rowIn + j];
              }
            }
            dWeight[wIndex] += dw;
          }
        }
      }
    }
  }
}

export function reluInPlace(x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) if (x[i] < 0) x[i] = 0;
}

/** Zeroes the gradient where the ReLU output was 0. */
export function reluBackwardInPlace(activation: Float32Array, grad: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) if (activation[i] <= 0) grad[i] = 0;
}

/** 2×2 max-pool, stride 2, odd sizes floored; `argmax` records the winning input index. */
export function maxPool2Forward(
  input: Float32Array,
  planes: number,
  height: number,
  width: number,
  out: Float32Array,
  argmax: Int32Array,
): void {
  const oh = height >> 1;
  const ow = width >> 1;
  for (let p = 0; p < planes; p++) {
    const inBase = p * height * width;
    const outBase = p * oh * ow;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const topLeft = inBase + 2 * i * width + 2 * j;
        let best = topLeft;
        if (input[topLeft + 1] > input[best]) best = topLeft + 1;
        if (input[topLeft + width] > input[best]) best = topLeft + width;
        if (input[topLeft + width + 1] > input[best]) best = topLeft + width + 1;
        out[outBase + i * ow + j] = input[best];
        argmax[outBase + i * ow + j] = best;
      }
    }
  }
}

/** Routes each pooled gradient to its winning input; `dInput` must be zeroed by the caller. */
export function maxPool2Backward(dOut: Float32Array, argmax: Int32Array, n: number, dInput: Float32Array): void {
  for (let q = 0; q < n; q++) dInput[argmax[q]] += dOut[q];
}

/** `out[b,o] = bias[o] + Σ_i w[o,i]·in[b,i]` (PyTorch Linear layout). */
export function denseForward(
  input: Float32Array,
  batch: number,
  inFeatures: number,
  weight: Float32Array,
  bias: Float32Array,
  outFeatures: number,
  out: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    const inBase = b * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wBase = o * inFeatures;
      let s = bias[o];
      for (let i = 0; i < inFeatures; i++) s += weight[wBase + i] * input[inBase + i];
      out[b * outFeatures + o] = s;
    }
  }
}

export function denseBackward(
  input: Float32Array,
  batch: number,
  inFeatures: number,
  weight: Float32Array,
  outFeatures: number,
  dOut: Float32Array,
  dWeight: Float32Array,
  dBias: Float32Array,
  dInput: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    const inBase = b * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const g = dOut[b * outFeatures + o];
      const wBase = o * inFeatures;
      dBias[o] += g;
      for (let i = 0; i < inFeatures; i++) {
        dWeight[wBase + i] += g * input[inBase + i];
        dInput[inBase + i] += g * weight[wBase + i];
      }
    }
  }
}

/**
 * Softmax cross-entropy over `batch` rows of logits: returns the summed loss and the number correct,
 * and (if `dLogits` is given) writes `(softmax − onehot) / scale` into it.
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  dLogits: Float32Array | null,
  scale: number,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    const base = b * classes;
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++)
      if (logits[base + c] > max) {
        max = logits[base + c];
        arg = c;
      }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - max);
    const label = labels[b];
    lossSum += Math.log(sum) - (logits[base + label] - max);
    if (arg === label) correct++;
    if (dLogits) {
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(logits[base + c] - max) / sum;
        dLogits[base + c] = (p - (c === label ? 1 : 0)) / scale;
      }
    }
  }
  return { lossSum, correct };
}
