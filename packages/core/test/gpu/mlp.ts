import { filled, random } from './helpers.js';

/**
 * A small raw MLP (x → tanh(W1·x + b1) → W2·h + b2, mean squared error) with hand-written
 * backpropagation in float64 over float32 parameters: the model both training paths share.
 */
export interface Mlp {
  readonly shapes: number[][];
  init(): Float32Array[];
  /** Loss and gradients (float32) at `params` for the fixed batch. */
  lossAndGrads(params: readonly Float32Array[]): { loss: number; grads: Float32Array[] };
}

export function mlp(inputs = 16, hidden = 32, outputs = 4, batch = 64): Mlp {
  const rnd = random(42);
  const x = filled(batch * inputs, rnd);
  // a fixed random teacher network gives learnable targets
  const teacher = filled(outputs * inputs, rnd);
  const y = new Float64Array(batch * outputs);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += teacher[o * inputs + i] * x[n * inputs + i];
      y[n * outputs + o] = Math.sin(s);
    }
  }
  const shapes = [[hidden, inputs], [hidden], [outputs, hidden], [outputs]];
  return {
    shapes,
    init() {
      const r = random(7);
      return [
        filled(hidden * inputs, r, 0, 1 / Math.sqrt(inputs)),
        new Float32Array(hidden),
        filled(outputs * hidden, r, 0, 1 / Math.sqrt(hidden)),
        new Float32Array(outputs),
      ];
    },
    lossAndGrads([w1, b1, w2, b2]) {
      const g = [
        new Float64Array(w1.length),
        new Float64Array(b1.length),
        new Float64Array(w2.length),
        new Float64Array(b2.length),
      ];
      const h = new Float64Array(hidden);
      const dh = new Float64Array(hidden);
      let loss = 0;
      for (let n = 0; n < batch; n++) {
        for (let j = 0; j < hidden; j++) {
          let s = b1[j];
          for (let i = 0; i < inputs; i++) s += w1[j * inputs + i] * x[n * inputs + i];
          h[j] = Math.tanh(s);
        }
        dh.fill(0);
        for (let o = 0; o < outputs; o++) {
          let s = b2[o];
          for (let j = 0; j < hidden; j++) s += w2[o * hidden + j] * h[j];
          const err = s - y[n * outputs + o];
          loss += (err * err) / (batch * outputs);
          const d = (2 * err) / (batch * outputs);
          g[3][o] += d;
          for (let j = 0; j < hidden; j++) {
            g[2][o * hidden + j] += d * h[j];
            dh[j] += d * w2[o * hidden + j];
          }
        }
        for (let j = 0; j < hidden; j++) {
          const d = dh[j] * (1 - h[j] * h[j]);
          g[1][j] += d;
          for (let i = 0; i < inputs; i++) g[0][j * inputs + i] += d * x[n * inputs + i];
        }
      }
      return { loss, grads: g.map((a) => Float32Array.from(a)) };
    },
  };
}
