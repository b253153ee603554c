import {
  decodeModel,
  encodeModel,
  gradientName,
  readGradientModel,
  withParamsAsInputs,
  type GradientModelInfo,
  type OrtModule,
  type OrtSession,
  type OrtTensor,
} from '@gcopt/onnxruntime';
import { IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES, type DigitSet } from '@gcopt/mnist-data';
import { softmaxCrossEntropy, type Evaluation } from '@gcopt/demo/browser';

const EVAL_BATCH = 500;

/**
 * ONNX Runtime sessions of a gradient model and its inference model with the parameters fed as
 * inputs, so any optimizer (`@gcopt/float32`, the fast path, gpu.js) can own the weights: `gradients`
 * returns the loss and every parameter's gradient for a batch, `evaluate` runs the test digits.
 */
export class OrtGradients {
  readonly info: GradientModelInfo;
  private constructor(
    private readonly ort: OrtModule,
    private readonly train: OrtSession,
    private readonly infer: OrtSession,
    info: GradientModelInfo,
  ) {
    this.info = info;
  }

  static async create(
    ort: OrtModule,
    gradientModel: Uint8Array,
    inferenceModel: Uint8Array,
    sessionOptions: Record<string, unknown> = {},
  ) {
    const info = readGradientModel(gradientModel);
    // ORT's JS sessions take no feeds for initializers: drop the parameters' initial values
    const names = new Set(info.params.map((p) => p.name));
    const model = decodeModel(gradientModel);
    model.graph.initializer = (model.graph.initializer ?? []).filter((t) => !names.has(t.name ?? ''));
    const options = { logSeverityLevel: 3, ...sessionOptions };
    const train = await ort.InferenceSession.create(encodeModel(model), options);
    const infer = await ort.InferenceSession.create(withParamsAsInputs(inferenceModel, info.params).model, options);
    return new OrtGradients(ort, train, infer, info);
  }

  private paramFeeds(params: readonly { name: string; shape: readonly number[]; data: Float32Array }[]) {
    const feeds: Record<string, OrtTensor> = {};
    for (const p of params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    return feeds;
  }

  /** Loss and gradients (in `params` order) of a batch of `count` digits with class labels. */
  async gradients(
    params: readonly { name: string; shape: readonly number[]; data: Float32Array }[],
    images: Float32Array,
    labels: ArrayLike<number>,
    count: number,
  ): Promise<{ loss: number; grads: Float32Array[] }> {
    const oneHot = new Float32Array(count * NUM_CLASSES);
    for (let n = 0; n < count; n++) oneHot[n * NUM_CLASSES + labels[n]] = 1;
    const feeds = this.paramFeeds(params);
    feeds[this.info.input] = new this.ort.Tensor('float32', images.subarray(0, count * IMAGE_SIZE), [
      count,
      1,
      IMAGE_SIDE,
      IMAGE_SIDE,
    ]);
    feeds[this.info.labels] = new this.ort.Tensor('float32', oneHot, [count, NUM_CLASSES]);
    const out = await this.train.run(feeds);
    return {
      loss: (out[this.info.loss].data as Float32Array)[0],
      grads: params.map((p) => out[gradientName(p.name)].data as Float32Array),
    };
  }

  async evaluate(
    params: readonly { name: string; shape: readonly number[]; data: Float32Array }[],
    set: DigitSet,
  ): Promise<Evaluation> {
    const input = this.infer.inputNames.find((n) => !params.some((p) => p.name === n))!;
    let lossSum = 0;
    let correct = 0;
    for (let at = 0; at < set.count; at += EVAL_BATCH) {
      const n = Math.min(EVAL_BATCH, set.count - at);
      const feeds = this.paramFeeds(params);
      feeds[input] = new this.ort.Tensor('float32', set.images.subarray(at * IMAGE_SIZE, (at + n) * IMAGE_SIZE), [
        n,
        1,
        IMAGE_SIDE,
        IMAGE_SIDE,
      ]);
      const out = await this.infer.run(feeds);
      const logits = out[this.infer.outputNames[0]].data as Float32Array;
      const r = softmaxCrossEntropy(logits, set.labels.subarray(at, at + n), n, NUM_CLASSES, null, 1);
      lossSum += r.lossSum;
      correct += r.correct;
    }
    return { loss: lossSum / set.count, accuracy: correct / set.count };
  }

  async release(): Promise<void> {
    await this.train.release();
    await this.infer.release();
  }
}
