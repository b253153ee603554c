import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import { SMALL_CNN, type NamedTensor } from '../../model/smallCnn.js';
import {
  conv2dBackward,
  conv2dForward,
  denseBackward,
  denseForward,
  maxPool2Backward,
  maxPool2Forward,
  reluBackwardInPlace,
  reluInPlace,
  softmaxCrossEntropy,
} from './layers.js';

const C1 = SMALL_CNN.conv1;
const C2 = SMALL_CNN.conv2;
const FC = SMALL_CNN.fc;
const S0 = IMAGE_SIDE; // 28
const S1 = S0 - C1.k + 1; // 26
const P1 = S1 >> 1; // 13
const S2 = P1 - C2.k + 1; // 11

/** The small CNN's weights by name, as the layers read them. */
interface Weights {
  conv1W: Float32Array;
  conv1B: Float32Array;
  conv2W: Float32Array;
  conv2B: Float32Array;
  fcW: Float32Array;
  fcB: Float32Array;
}

function byName(tensors: readonly NamedTensor[]): Weights {
  const get = (name: string) => {
    const t = tensors.find((x) => x.name === name);
    if (!t) throw new Error(`small CNN: no tensor named ${name}`);
    return t.data;
  };
  return {
    conv1W: get('conv1.weight'),
    conv1B: get('conv1.bias'),
    conv2W: get('conv2.weight'),
    conv2B: get('conv2.bias'),
    fcW: get('fc.weight'),
    fcB: get('fc.bias'),
  };
}

/**
 * Forward and backward passes of the small CNN (model/smallCnn.ts) for batches of up to
 * `maxBatch` digits, with all activations preallocated.
 */
export class SmallCnnNetwork {
  private readonly w: Weights;
  private readonly g: Weights;
  private readonly x: Float32Array;
  private readonly labels: Uint8Array;
  private readonly a1: Float32Array;
  private readonly p1: Float32Array;
  private readonly idx1: Int32Array;
  private readonly a2: Float32Array;
  private readonly p2: Float32Array;
  private readonly idx2: Int32Array;
  private readonly logits: Float32Array;
  private readonly dLogits: Float32Array;
  private readonly dP2: Float32Array;
  private readonly dA2: Float32Array;
  private readonly dP1: Float32Array;
  private readonly dA1: Float32Array;

  /** `weights` and `grads` are the caller's arrays (named as in SMALL_CNN_PARAMS): read and written in place. */
  constructor(
    weights: readonly NamedTensor[],
    grads: readonly NamedTensor[],
    readonly maxBatch: number,
  ) {
    this.w = byName(weights);
    this.g = byName(grads);
    const n = maxBatch;
    this.x = new Float32Array(n * IMAGE_SIZE);
    this.labels = new Uint8Array(n);
    this.a1 = new Float32Array(n * C1.out * S1 * S1);
    this.p1 = new Float32Array(n * C1.out * P1 * P1);
    this.idx1 = new Int32Array(this.p1.length);
    this.a2 = new Float32Array(n * C2.out * S2 * S2);
    this.p2 = new Float32Array(n * FC.in);
    this.idx2 = new Int32Array(this.p2.length);
    this.logits = new Float32Array(n * NUM_CLASSES);
    this.dLogits = new Float32Array(n * NUM_CLASSES);
    this.dP2 = new Float32Array(this.p2.length);
    this.dA2 = new Float32Array(this.a2.length);
    this.dP1 = new Float32Array(this.p1.length);
    this.dA1 = new Float32Array(this.a1.length);
  }

  private load(set: DigitSet, indices: ArrayLike<number>): number {
    const batch = indices.length;
    if (batch > this.maxBatch) throw new RangeError(`batch of ${batch} exceeds maxBatch ${this.maxBatch}`);
    for (let b = 0; b < batch; b++) {
      const i = indices[b];
      this.x.set(set.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), b * IMAGE_SIZE);
      this.labels[b] = set.labels[i];
    }
    return batch;
  }

  private forward(batch: number): void {
    const { w } = this;
    conv2dForward(this.x, batch, 1, S0, S0, w.conv1W, w.conv1B, C1.out, C1.k, this.a1);
    reluInPlace(this.a1, batch * C1.out * S1 * S1);
    maxPool2Forward(this.a1, batch * C1.out, S1, S1, this.p1, this.idx1);
    conv2dForward(this.p1, batch, C1.out, P1, P1, w.conv2W, w.conv2B, C2.out, C2.k, this.a2);
    reluInPlace(this.a2, batch * C2.out * S2 * S2);
    maxPool2Forward(this.a2, batch * C2.out, S2, S2, this.p2, this.idx2);
    denseForward(this.p2, batch, FC.in, w.fcW, w.fcB, FC.out, this.logits);
  }

  /** Mean cross-entropy of the batch; the gradients of that mean are written into `grads`. */
  lossAndGradients(set: DigitSet, indices: ArrayLike<number>): number {
    const batch = this.load(set, indices);
    this.forward(batch);
    const { lossSum } = softmaxCrossEntropy(this.logits, this.labels, batch, NUM_CLASSES, this.dLogits, batch);
    const { w, g } = this;
    for (const t of Object.values(g)) t.fill(0);
    this.dP2.fill(0, 0, batch * FC.in);
    denseBackward(this.p2, batch, FC.in, w.fcW, FC.out, this.dLogits, g.fcW, g.fcB, this.dP2);
    this.dA2.fill(0, 0, batch * C2.out * S2 * S2);
    maxPool2Backward(this.dP2, this.idx2, batch * FC.in, this.dA2);
    reluBackwardInPlace(this.a2, this.dA2, batch * C2.out * S2 * S2);
    this.dP1.fill(0, 0, batch * C1.out * P1 * P1);
    conv2dBackward(this.p1, batch, C1.out, P1, P1, w.conv2W, C2.out, C2.k, this.dA2, g.conv2W, g.conv2B, this.dP1);
    this.dA1.fill(0, 0, batch * C1.out * S1 * S1);
    maxPool2Backward(this.dP1, this.idx1, batch * C1.out * P1 * P1, this.dA1);
    reluBackwardInPlace(this.a1, this.dA1, batch * C1.out * S1 * S1);
    conv2dBackward(this.x, batch, 1, S0, S0, w.conv1W, C1.out, C1.k, this.dA1, g.conv1W, g.conv1B, null);
    return lossSum / batch;
  }

  /** Summed loss and number correct over `indices` (at most maxBatch of them). */
  score(set: DigitSet, indices: ArrayLike<number>): { lossSum: number; correct: number } {
    const batch = this.load(set, indices);
    this.forward(batch);
    return softmaxCrossEntropy(this.logits, this.labels, batch, NUM_CLASSES, null, 1);
  }
}
