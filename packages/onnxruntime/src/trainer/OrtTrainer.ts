import { createOptimizer, type Float32Optimizer, type Float32Param, type StepReport } from '@gcopt/float32';
import { readGradientModel, type GradientModelInfo } from '../contract/readGradientModel.js';
import { gradientName } from '../contract/gradientModelContract.js';
import { encodeModel } from '../onnx/codec.js';
import { defaultSessionOptions, type OrtModule, type OrtSession, type OrtTensor } from '../ortTypes.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { exportInferenceModel, withParamsAsInputs } from './inferenceModels.js';

/** Which optimizer trains the model: a reference name, a name with options, or a ready optimizer. */
export type OptimizerChoice =
  | string
  | ({ name: string } & Record<string, unknown>)
  | Float32Optimizer;

/** Options of `OrtTrainer`: the gradient model, the ONNX Runtime module and the optimizer. */
export interface OrtTrainerOptions {
  /** The gradient model's bytes (see gradientModelContract.ts); float32. */
  gradientModel: Uint8Array;
  /** `onnxruntime-node` or `onnxruntime-web` (the module object). */
  ort: OrtModule;
  /** e.g. `'Adam_GC2'`, `{ name: 'SGD_GC', lr: 0.05, momentum: 0.9 }`, or a `@gcopt/float32` optimizer over `params`. */
  optimizer: OptimizerChoice;
  /**
   * Initial values, trained in place: `[{ name, shape, data }]` (what the builder returns) or a record
   * of Float32Arrays by name. Default: the gradient model's initializers of the parameter inputs.
   */
  params?: readonly { name: string; shape?: readonly number[]; data: Float32Array }[] | Readonly<Record<string, Float32Array>>;
  /** The matching inference model: enables `predict`, `evaluate` and `exportInferenceModel`. */
  inferenceModel?: Uint8Array;
  /** Extra onnxruntime session options (merged over gcopt's quiet-logging default). */
  sessionOptions?: Record<string, unknown>;
}

/** A batch: `count` examples, row-major. Labels are class indices (integer array) or full targets (Float32Array). */
export interface Batch {
  input: Float32Array;
  labels: Float32Array | Uint8Array | Uint16Array | Int32Array | readonly number[];
  /** Number of examples (default: input length / input size). */
  count?: number;
}

/** What one training step returns: the loss and the optimizer's step report. */
export interface TrainStepResult extends StepReport {
  loss: number;
  /** The model's output for the batch (when the gradient model exposes it). */
  output?: Float32Array;
}

/** What `evaluate` returns: mean loss and accuracy over the examples. */
export interface Evaluation {
  count: number;
  /** Fraction of examples whose arg-max output equals the label (class-index labels only). */
  accuracy?: number;
  /** Mean loss (only when evaluated through the gradient model, i.e. without an inference model). */
  loss?: number;
}

/**
 * Trains an ONNX gradient model with a gcopt optimizer: each step feeds the batch and the current
 * parameters to ONNX Runtime, reads the gradients back, and hands them to the `@gcopt/float32`
 * optimizer, which updates the parameter arrays in place. `ort` is injected, so the same trainer runs
 * on onnxruntime-node and onnxruntime-web.
 */
export class OrtTrainer {
  readonly info: GradientModelInfo;
  /** The parameters being trained (their `data` arrays change in place). */
  readonly params: readonly Float32Param[];
  readonly optimizer: Float32Optimizer;
  private readonly ort: OrtModule;
  private readonly sessionOptions: Record<string, unknown>;
  private readonly gradientModel: Uint8Array;
  private readonly inferenceModel?: Uint8Array;
  private readonly inputSize: number;
  private readonly labelSize: number;
  private trainSession?: Promise<OrtSession>;
  private stepping = false;
  private evalSession?: Promise<OrtSession>;

  constructor(options: OrtTrainerOptions) {
    if (!options || typeof options !== 'object') throw new TypeError('OrtTrainer: expected an options object');
    const { ort, gradientModel } = options;
    if (!ort || typeof ort.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
      throw new TypeError("ort: expected the onnxruntime module (import * as ort from 'onnxruntime-node' or 'onnxruntime-web')");
    }
    this.info = readGradientModel(gradientModel);
    if (this.info.floatType !== 'float32') throw new Error('gradientModel: the trainer trains float32 models; this one is float64 (build float64 models for gradient checks only)');
    if (this.info.inputShape.some((d) => d < 1)) throw new Error(`gradientModel: the batch input needs fixed sizes after the batch dimension, got [${this.info.inputShape.join(', ')}]`);
    this.ort = ort;
    this.gradientModel = withoutParamInitializers(this.info, gradientModel);
    this.inferenceModel = options.inferenceModel;
    this.sessionOptions = { ...defaultSessionOptions, ...options.sessionOptions };
    this.inputSize = this.info.inputShape.reduce((a, b) => a * b, 1);
    this.labelSize = this.info.labelsShape.reduce((a, b) => a * Math.max(b, 1), 1);
    this.params = resolveParams(this.info, options.params);
    this.optimizer = resolveOptimizer(options.optimizer, this.params, options.params !== undefined);
  }

  /** One training step on a batch; parameters and optimizer state change only if it succeeds. */
  async step(batch: Batch, options: { lr?: number } = {}): Promise<TrainStepResult> {
    // Two overlapping steps would both read the same parameters and then both update them.
    if (this.stepping) throw new Error('step: the previous step has not finished; await each step before starting the next');
    this.stepping = true;
    try {
      return await this.runStep(batch, options);
    } finally {
      this.stepping = false;
    }
  }

  private async runStep(batch: Batch, options: { lr?: number }): Promise<TrainStepResult> {
    const count = this.batchCount(batch);
    const feeds: Record<string, OrtTensor> = {
      [this.info.input]: new this.ort.Tensor('float32', batch.input, [count, ...this.info.inputShape]),
      [this.info.labels]: new this.ort.Tensor('float32', this.targets(batch.labels, count), [count, ...this.info.labelsShape.map((d) => Math.max(d, 1))]),
    };
    for (const p of this.params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    const session = await (this.trainSession ??= this.ort.InferenceSession.create(this.gradientModel, this.sessionOptions));
    const out = await session.run(feeds);
    const grads: Record<string, Float32Array> = {};
    for (const p of this.params) grads[p.name] = out[gradientName(p.name)].data as Float32Array;
    const loss = (out[this.info.loss].data as Float32Array)[0];
    const report = this.optimizer.step(grads, options.lr === undefined ? {} : { lr: options.lr });
    return { ...report, loss, output: this.info.output ? (out[this.info.output].data as Float32Array) : undefined };
  }

  /** Runs one pass over `data` in batches (shuffled with `random` if given); returns the mean loss. */
  async trainEpoch(data: { input: Float32Array; labels: Batch['labels']; count: number }, options: { batchSize: number; random?: () => number; lr?: number; onStep?: (r: TrainStepResult, index: number) => void }): Promise<{ meanLoss: number; steps: number }> {
    this.checkDataset('trainEpoch', data, options?.batchSize);
    const order = Array.from({ length: data.count }, (_, i) => i);
    if (options.random) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(options.random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    const fullTargets = data.labels instanceof Float32Array && data.labels.length === data.count * this.labelSize;
    let total = 0;
    let steps = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const idx = order.slice(start, start + options.batchSize);
      const input = new Float32Array(idx.length * this.inputSize);
      idx.forEach((e, k) => input.set(data.input.subarray(e * this.inputSize, (e + 1) * this.inputSize), k * this.inputSize));
      let labels: Batch['labels'];
      if (fullTargets) {
        const t = new Float32Array(idx.length * this.labelSize);
        idx.forEach((e, k) => t.set((data.labels as Float32Array).subarray(e * this.labelSize, (e + 1) * this.labelSize), k * this.labelSize));
        labels = t;
      } else {
        labels = Int32Array.from(idx, (e) => Number(data.labels[e]));
      }
      const result = await this.step({ input, labels, count: idx.length }, { lr: options.lr });
      options.onStep?.(result, steps);
      total += result.loss;
      steps++;
    }
    return { meanLoss: total / Math.max(steps, 1), steps };
  }

  /** The model's outputs for `count` examples (needs `inferenceModel`), with the current parameters. */
  async predict(input: Float32Array, count = input.length / this.inputSize): Promise<Float32Array> {
    if (!this.inferenceModel) throw new Error('predict: construct the trainer with `inferenceModel` to run the model without its loss');
    this.checkInput(input, count);
    this.evalSession ??= this.ort.InferenceSession.create(withParamsAsInputs(this.inferenceModel, this.params).model, this.sessionOptions);
    const session = await this.evalSession;
    const feeds: Record<string, OrtTensor> = { [session.inputNames.find((n) => !this.params.some((p) => p.name === n))!]: new this.ort.Tensor('float32', input, [count, ...this.info.inputShape]) };
    for (const p of this.params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    const out = await session.run(feeds);
    return out[session.outputNames[0]].data as Float32Array;
  }

  /**
   * Accuracy of arg-max predictions on labelled data, in batches. Uses the inference model when given
   * (dropout off); otherwise the gradient model, which also reports its mean loss.
   */
  async evaluate(data: { input: Float32Array; labels: Batch['labels']; count: number }, options: { batchSize?: number } = {}): Promise<Evaluation> {
    const batchSize = options.batchSize ?? 256;
    this.checkDataset('evaluate', data, batchSize);
    const classIndices = !(data.labels instanceof Float32Array && data.labels.length === data.count * this.labelSize);
    let correct = 0;
    let lossSum = 0;
    for (let start = 0; start < data.count; start += batchSize) {
      const n = Math.min(batchSize, data.count - start);
      const input = data.input.subarray(start * this.inputSize, (start + n) * this.inputSize);
      const labels = classIndices ? Array.from({ length: n }, (_, k) => Number(data.labels[start + k])) : (data.labels as Float32Array).subarray(start * this.labelSize, (start + n) * this.labelSize);
      let output: Float32Array | undefined;
      if (this.inferenceModel) {
        output = await this.predict(input, n);
      } else {
        const r = await this.lossAndOutput({ input, labels, count: n });
        lossSum += r.loss * n;
        output = r.output;
      }
      if (classIndices && output) {
        for (let k = 0; k < n; k++) if (argmax(output, k * this.labelSize, this.labelSize) === labels[k]) correct++;
      }
    }
    return {
      count: data.count,
      accuracy: classIndices && (this.inferenceModel || this.info.output) ? correct / data.count : undefined,
      loss: this.inferenceModel ? undefined : lossSum / data.count,
    };
  }

  /** Parameters and optimizer state in one file (see checkpoint.ts). */
  checkpoint(): Uint8Array {
    return encodeCheckpoint({ params: this.params.map((p) => ({ name: p.name, shape: [...p.shape], data: p.data })), optimizer: this.optimizer.state() });
  }

  /** Restores a checkpoint: checks every name and shape first; on any mismatch throws and changes nothing. */
  loadCheckpoint(bytes: Uint8Array): void {
    const saved = decodeCheckpoint(bytes);
    const byName = new Map(saved.params.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const p of this.params) {
      const s = byName.get(p.name);
      if (!s) problems.push(`'${p.name}' is missing`);
      else if (s.shape.join(',') !== p.shape.join(',')) problems.push(`'${p.name}' has shape [${s.shape.join(', ')}], the model [${p.shape.join(', ')}]`);
    }
    for (const name of byName.keys()) if (!this.params.some((p) => p.name === name)) problems.push(`'${name}' is not a parameter of this model`);
    if (problems.length > 0) throw new Error(`checkpoint: does not fit this model: ${problems.join('; ')}`);
    this.optimizer.loadState(saved.optimizer); // validates, throws before changing anything
    for (const p of this.params) p.data.set(byName.get(p.name)!.data);
  }

  /** The inference model with the trained weights as initializers (needs `inferenceModel`). */
  exportInferenceModel(): Uint8Array {
    if (!this.inferenceModel) throw new Error('exportInferenceModel: construct the trainer with `inferenceModel`');
    return exportInferenceModel(this.inferenceModel, this.params);
  }

  /** Frees the ONNX Runtime sessions. */
  async release(): Promise<void> {
    const sessions = [this.trainSession, this.evalSession];
    this.trainSession = this.evalSession = undefined;
    for (const s of sessions) if (s) await (await s).release();
  }

  private async lossAndOutput(batch: Batch): Promise<{ loss: number; output?: Float32Array }> {
    const count = this.batchCount(batch);
    const feeds: Record<string, OrtTensor> = {
      [this.info.input]: new this.ort.Tensor('float32', batch.input, [count, ...this.info.inputShape]),
      [this.info.labels]: new this.ort.Tensor('float32', this.targets(batch.labels, count), [count, ...this.info.labelsShape.map((d) => Math.max(d, 1))]),
    };
    for (const p of this.params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    const session = await (this.trainSession ??= this.ort.InferenceSession.create(this.gradientModel, this.sessionOptions));
    const out = await session.run(feeds);
    return { loss: (out[this.info.loss].data as Float32Array)[0], output: this.info.output ? (out[this.info.output].data as Float32Array) : undefined };
  }

  private checkDataset(where: string, data: { input: Float32Array; labels: Batch['labels']; count: number }, batchSize: number | undefined): void {
    if (!Number.isInteger(batchSize) || batchSize! < 1) throw new Error(`${where}: batchSize must be a positive integer, got ${batchSize}`);
    if (!data || !Number.isInteger(data.count) || data.count < 1) throw new Error(`${where}: data.count must be a positive integer, got ${data?.count}`);
    this.checkInput(data.input, data.count);
    const labels = data.labels;
    const ok = labels != null && typeof labels === 'object' && (labels.length === data.count || (labels instanceof Float32Array && labels.length === data.count * this.labelSize));
    if (!ok) throw new Error(`${where}: data.labels must hold ${data.count} class indices or ${data.count * this.labelSize} targets, got ${labels == null ? labels : `${(labels as { length?: number }).length} values`}`);
  }

  private batchCount(batch: Batch): number {
    if (!batch || typeof batch !== 'object') throw new TypeError('batch: expected { input, labels, count? }');
    const count = batch.count ?? batch.input?.length / this.inputSize;
    this.checkInput(batch.input, count);
    return count;
  }

  private checkInput(input: Float32Array, count: number): void {
    if (!(input instanceof Float32Array)) throw new TypeError(`batch.input: expected a Float32Array, got ${describeValue(input)}`);
    if (!Number.isInteger(count) || count < 1 || input.length !== count * this.inputSize) {
      throw new Error(`batch.input: ${input.length} values do not make ${Number.isInteger(count) ? count : 'a whole number of'} examples of shape [${this.info.inputShape.join(', ')}] (${this.inputSize} values each)`);
    }
  }

  /** Class indices become one-hot rows; full target arrays pass through. */
  private targets(labels: Batch['labels'], count: number): Float32Array {
    if (labels instanceof Float32Array && labels.length === count * this.labelSize) return labels;
    if (labels === null || typeof labels !== 'object' || labels.length !== count) {
      throw new Error(`batch.labels: expected ${count} class indices or a Float32Array of ${count * this.labelSize} targets, got ${labels === null ? 'null' : `${(labels as { length?: number })?.length} values`}`);
    }
    const classes = this.labelSize;
    const oneHot = new Float32Array(count * classes);
    for (let n = 0; n < count; n++) {
      const c = Number(labels[n]);
      if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`batch.labels[${n}]: class index ${labels[n]} is outside 0..${classes - 1}`);
      oneHot[n * classes + c] = 1;
    }
    return oneHot;
  }
}

/**
 * ONNX Runtime's JS sessions do not accept feeds for initializers (even ones listed as graph inputs),
 * so a gradient model that carries initial values gets them removed before its session is made.
 */
function withoutParamInitializers(info: GradientModelInfo, bytes: Uint8Array): Uint8Array {
  const names = new Set(info.params.map((p) => p.name));
  const initializers = info.model.graph.initializer ?? [];
  if (!initializers.some((t) => names.has(t.name ?? ''))) return bytes;
  const graph = { ...info.model.graph, initializer: initializers.filter((t) => !names.has(t.name ?? '')) };
  return encodeModel({ ...info.model, graph });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

function resolveParams(info: GradientModelInfo, given: OrtTrainerOptions['params']): readonly Float32Param[] {
  const byName = new Map<string, { shape?: readonly number[]; data: Float32Array }>();
  if (given !== undefined) {
    if (given === null || typeof given !== 'object') throw new TypeError('params: expected [{ name, shape, data }] or a record of Float32Arrays');
    if (Array.isArray(given)) for (const p of given) byName.set(p.name, p);
    else for (const [name, data] of Object.entries(given as Record<string, Float32Array>)) byName.set(name, { data });
    for (const name of byName.keys()) {
      if (!info.params.some((p) => p.name === name)) throw new Error(`params: '${name}' is not a parameter input of the gradient model (it has ${info.params.map((p) => `'${p.name}'`).join(', ')})`);
    }
  }
  return info.params.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const g = byName.get(p.name);
    let data: Float32Array;
    if (g) {
      if (!(g.data instanceof Float32Array)) throw new TypeError(`params['${p.name}'].data: expected a Float32Array`);
      if (g.shape && g.shape.join(',') !== p.shape.join(',')) throw new Error(`params['${p.name}'].shape: [${g.shape.join(', ')}] differs from the model's [${p.shape.join(', ')}]`);
      data = g.data;
    } else if (p.initial) {
      data = Float32Array.from(p.initial);
    } else {
      throw new Error(`params: no initial value for '${p.name}' (pass it in params, or store it as an initializer in the gradient model)`);
    }
    if (data.length !== size) throw new Error(`params['${p.name}']: ${data.length} values, shape [${p.shape.join(', ')}] needs ${size}`);
    return { name: p.name, shape: [...p.shape], data, outAxis: p.outAxis, gc: p.gc };
  });
}

function resolveOptimizer(choice: OptimizerChoice, params: readonly Float32Param[], paramsGiven: boolean): Float32Optimizer {
  if (typeof choice === 'string') return createOptimizer(choice, {}, params);
  if (choice && typeof choice === 'object' && typeof (choice as Float32Optimizer).step === 'function' && typeof (choice as Float32Optimizer).state === 'function') {
    const opt = choice as Float32Optimizer;
    // A ready optimizer updates the arrays it was created over: those must be the ones fed to the model.
    if (!paramsGiven) throw new Error('optimizer: a ready @gcopt/float32 optimizer needs `params` (the same arrays it was created over)');
    const names = opt.params.map((p) => p.name).join(',');
    if (names !== params.map((p) => p.name).join(',')) {
      throw new Error(`optimizer: it was created over [${names}], the gradient model's parameters are [${params.map((p) => p.name).join(',')}]; create it over trainer.params or pass { name, ...options }`);
    }
    return opt;
  }
  if (choice && typeof choice === 'object' && typeof (choice as { name?: unknown }).name === 'string') {
    const { name, ...options } = choice as { name: string } & Record<string, unknown>;
    return createOptimizer(name, options, params);
  }
  throw new TypeError("optimizer: expected a name ('Adam_GC2'), { name, ...options }, or a @gcopt/float32 optimizer");
}
