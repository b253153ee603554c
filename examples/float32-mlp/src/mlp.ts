import { IMAGE_SIZE, NUM_CLASSES, seededRandom, type DigitSet } from '@gcopt/mnist-data';
import type { Float32Param } from '@gcopt/float32';

/**
 * A two-layer perceptron, `logits = W2·relu(W1·x + b1) + b2`, with forward and backward written
 * out by hand over Float32Arrays. Weights are in PyTorch layout (`[out, in]`, output axis 0), so
 * GC centralizes each hidden unit's incoming weights.
 */
export class Mlp {
  readonly params: Float32Param[];
  /** Gradient buffers, one per parameter, reused by every batch. */
  readonly grads: Record<string, Float32Array>;
  private readonly w1: Float32Array;
  private readonly b1: Float32Array;
  private readonly w2: Float32Array;
  private readonly b2: Float32Array;

  constructor(
    readonly hidden: number,
    seed: number,
    readonly inputs = IMAGE_SIZE,
    readonly classes = NUM_CLASSES,
  ) {
    const random = seededRandom(seed);
    // PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases
    const uniform = (n: number, fanIn: number) =>
      Float32Array.from({ length: n }, () => (2 * random() - 1) / Math.sqrt(fanIn));
    this.w1 = uniform(hidden * inputs, inputs);
    this.b1 = uniform(hidden, inputs);
    this.w2 = uniform(classes * hidden, hidden);
    this.b2 = uniform(classes, hidden);
    this.params = [
      { name: 'fc1.weight', shape: [hidden, inputs], data: this.w1 },
      { name: 'fc1.bias', shape: [hidden], data: this.b1 },
      { name: 'fc2.weight', shape: [classes, hidden], data: this.w2 },
      { name: 'fc2.bias', shape: [classes], data: this.b2 },
    ];
    this.grads = Object.fromEntries(this.params.map((p) => [p.name, new Float32Array(p.data.length)]));
  }

  /** Hidden activations (after ReLU) and logits of one image. */
  private forwardOne(x: Float32Array, xAt: number, h: Float32Array, logits: Float64Array): void {
    const { hidden, inputs, classes, w1, b1, w2, b2 } = this;
    for (let j = 0; j < hidden; j++) {
      let s = b1[j];
      const row = j * inputs;
      for (let k = 0; k < inputs; k++) s += w1[row + k] * x[xAt + k];
      h[j] = s > 0 ? s : 0;
    }
    for (let c = 0; c < classes; c++) {
      let s = b2[c];
      const row = c * hidden;
      for (let j = 0; j < hidden; j++) s += w2[row + j] * h[j];
      logits[c] = s;
    }
  }

  /**
   * Mean softmax cross-entropy over the images at `indices`, and its gradient with respect to every
   * parameter, written into `this.grads`.
   */
  lossAndGradients(set: DigitSet, indices: ArrayLike<number>): number {
    const { hidden, inputs, classes, w2 } = this;
    const gw1 = this.grads['fc1.weight'];
    const gb1 = this.grads['fc1.bias'];
    const gw2 = this.grads['fc2.weight'];
    const gb2 = this.grads['fc2.bias'];
    for (const g of Object.values(this.grads)) g.fill(0);
    const h = new Float32Array(hidden);
    const logits = new Float64Array(classes);
    const dLogits = new Float64Array(classes);
    const dh = new Float64Array(hidden);
    const n = indices.length;
    let loss = 0;
    for (let b = 0; b < n; b++) {
      const xAt = indices[b] * inputs;
      const label = set.labels[indices[b]];
      this.forwardOne(set.images, xAt, h, logits);
      // softmax cross-entropy, shifted by the max logit for stability
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[c]);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp(logits[c] - max);
      loss += Math.log(z) + max - logits[label];
      for (let c = 0; c < classes; c++) dLogits[c] = (Math.exp(logits[c] - max) / z - (c === label ? 1 : 0)) / n;
      // layer 2
      dh.fill(0);
      for (let c = 0; c < classes; c++) {
        const d = dLogits[c];
        gb2[c] += d;
        const row = c * hidden;
        for (let j = 0; j < hidden; j++) {
          gw2[row + j] += d * h[j];
          dh[j] += d * w2[row + j];
        }
      }
      // ReLU and layer 1
      for (let j = 0; j < hidden; j++) {
        if (h[j] <= 0) continue;
        const d = dh[j];
        gb1[j] += d;
        const row = j * inputs;
        for (let k = 0; k < inputs; k++) gw1[row + k] += d * set.images[xAt + k];
      }
    }
    return loss / n;
  }

  /** Fraction of `set` classified correctly. */
  accuracy(set: DigitSet): number {
    const h = new Float32Array(this.hidden);
    const logits = new Float64Array(this.classes);
    let correct = 0;
    for (let i = 0; i < set.count; i++) {
      this.forwardOne(set.images, i * this.inputs, h, logits);
      let best = 0;
      for (let c = 1; c < this.classes; c++) if (logits[c] > logits[best]) best = c;
      if (best === set.labels[i]) correct++;
    }
    return correct / set.count;
  }
}
