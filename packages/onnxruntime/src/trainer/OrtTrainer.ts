import { createOptimizer, type Float32Optimizer, type Float32Param, type StepReport } from '@gcopt/float32';
import { gradientShapeProblem, readGradientModel, type GradientModelInfo } from '../contract/readGradientModel.js';
import { gradientName } from '../contract/gradientModelContract.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { defaultSessionOptions, type OrtModule, type OrtSession, type OrtTensor } from '../ortTypes.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { exportInferenceModel, withParamsAsInputs } from './inferenceModels.js';
import { checkIndicesBelow, labelFeed, type LabelFeed, type Labels } from './labels.js';
import { checkOptions, describeValue } from './trainerOptions.js';

/** Which optimizer trains the model: a reference name, a name with options, or a ready optimizer. */
export type OptimizerChoice = string | ({ name: string } & Record<string, unknown>) | Float32Optimizer;

/** Options of `OrtTrainer`: the gradient model, the ONNX Runtime module and the optimizer. */
export interface OrtTrainerOptions {
  /** The gradient model's bytes (see gradientModelContract.ts); float32. */
  gradientModel: Uint8Array;
  /** `onnxruntime-node` or `onnxruntime-web` (the module object). */
  ort: OrtModule;
  /**
   * e.g. `'Adam_GC2'`, `{ name: 'SGD_GC', lr: 0.05, momentum: 0.9 }`, or a `@gcopt/float32` optimizer over `params`.
   */
  optimizer: OptimizerChoice;
  /**
   * Initial values, trained in place: `[{ name, shape, data }]` (what the builder returns) or a record
   * of Float32Arrays by name. Default: the gradient model's initializers of the parameter inputs.
   */
  params?:
    | readonly { name: string; shape?: readonly number[]; data: Float32Array }[]
    | Readonly<Record<string, Float32Array>>;
  /** The matching inference model: enables `predict`, `evaluate` and `exportInferenceModel`. */
  inferenceModel?: Uint8Array;
  /** Extra onnxruntime session options (merged over gcopt's quiet-logging default). */
  sessionOptions?: Record<string, unknown>;
}

/**
 * A batch: `count` examples, row-major. Labels are class indices (integer array) or full targets
 * (Float32Array, for a model whose labels input is float); a model with integer labels takes indices only.
 */
export interface Batch {
  input: Float32Array;
  labels: Labels;
  /** Number of examples (default: input length / input size). */
  count?: number;
}

/** A labelled dataset: `count` examples, row-major. */
export interface Dataset {
  input: Float32Array;
  labels: Batch['labels'];
  count: number;
}

/** What one training step returns: the loss and the optimizer's step report. */
export interface TrainStepResult extends StepReport {
  loss: number;
  /** The model's output for the batch (when the gradient model exposes it). */
  output?: Float32Array;
}

/** What `evaluate` returns: mean loss and accuracy over the examples. */
export interface Evaluation {
  /** Examples evaluated. */
  count: number;
  /** Examples left out: the partial last batch of a model with a fixed batch dimension. */
  dropped: number;
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
  /** Values per example of float labels (the one-hot row size); 1 for class indices. */
  private readonly labelSize: number;
  /** Classes, when known: from the model, or from the output dims once a step has run. */
  private classCount?: number;
  /** The inference model's fixed batch dimension, if it has one. */
  private readonly inferenceBatchSize?: number;
  private trainSession?: Promise<OrtSession>;
  private stepping = false;
  private evalSession?: Promise<OrtSession>;

  constructor(options: OrtTrainerOptions) {
    checkOptions('OrtTrainer', options, {
      gradientModel: 'Uint8Array',
      ort: 'object',
      optimizer: 'any',
      params: 'any',
      inferenceModel: 'Uint8Array',
      sessionOptions: 'object',
      // the rest of buildGradientModel's result, which `{ ...net, ort, optimizer }` passes along (unused)
      inputShape: 'any',
      outputShape: 'any',
      names: 'any',
    });
    const { ort, gradientModel } = options;
    if (!ort || typeof ort.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
      throw new TypeError(
        "ort: expected the onnxruntime module (import * as ort from 'onnxruntime-node' or 'onnxruntime-web')",
      );
    }
    this.info = readGradientModel(gradientModel);
    if (this.info.floatType !== 'float32')
      throw new Error(
        'gradientModel: the trainer trains float32 models; this one is float64 (build float64 models for gradient ' +
          'checks only)',
      );
    if (this.info.inputShape.some((d) => d < 1))
      throw new Error(
        `gradientModel: the batch input needs fixed sizes after the batch dimension, got ` +
          `[${this.info.inputShape.join(', ')}]`,
      );
    this.ort = ort;
    this.gradientModel = withoutParamInitializers(this.info, gradientModel);
    this.inferenceModel = options.inferenceModel;
    if (this.inferenceModel) {
      const first = decodeModel(this.inferenceModel).graph.input[0]?.type?.tensorType?.shape?.dim?.[0];
      if (first?.dimValue !== undefined && first.dimParam === undefined && Number(first.dimValue) > 0) {
        this.inferenceBatchSize = Number(first.dimValue);
      }
    }
    this.sessionOptions = { ...defaultSessionOptions, ...options.sessionOptions };
    this.inputSize = this.info.inputShape.reduce((a, b) => a * b, 1);
    this.labelSize =
      this.info.labelsType === 'float' ? this.info.labelsShape.reduce((a, b) => a * Math.max(b, 1), 1) : 1;
    this.classCount = this.info.labelsType === 'float' ? this.labelSize : this.info.classCount;
    this.params = resolveParams(this.info, options.params);
    this.optimizer = resolveOptimizer(options.optimizer, this.params, options.params !== undefined);
  }

  /** One training step on a batch; parameters and optimizer state change only if it succeeds. */
  async step(batch: Batch, options: { lr?: number } = {}): Promise<TrainStepResult> {
    checkOptions('step', options, { lr: 'number' });
    // Two overlapping steps would both read the same parameters and then both update them.
    if (this.stepping)
      throw new Error('step: the previous step has not finished; await each step before starting the next');
    this.stepping = true;
    try {
      return await this.runStep(batch, options);
    } finally {
      this.stepping = false;
    }
  }

  private async runStep(batch: Batch, options: { lr?: number }): Promise<TrainStepResult> {
    const { out, loss, output } = await this.run(batch);
    const grads: Record<string, Float32Array> = {};
    for (const p of this.params) grads[p.name] = gradientOf(out, p);
    const report = this.optimizer.step(grads, options.lr === undefined ? {} : { lr: options.lr });
    return { ...report, loss, output };
  }

  /** Runs the gradient model on a batch; checks what comes back before anything is changed. */
  private async run(batch: Batch): Promise<{ out: Record<string, OrtTensor>; loss: number; output?: Float32Array }> {
    const count = this.batchCount(batch);
    const labels = this.labelFeed(batch.labels, count);
    const labelDims =
      labels.type === 'float32'
        ? [count, ...this.info.labelsShape.map((d) => Math.max(d, 1))]
        : [count, ...this.info.labelsShape];
    const feeds: Record<string, OrtTensor> = {
      [this.info.input]: new this.ort.Tensor('float32', batch.input, [count, ...this.info.inputShape]),
      [this.info.labels]: new this.ort.Tensor(labels.type, labels.data, labelDims),
    };
    for (const p of this.params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    const session = await (this.trainSession ??= this.ort.InferenceSession.create(
      this.gradientModel,
      this.sessionOptions,
    ));
    const out = await session.run(feeds);
    const output = this.info.output ? (out[this.info.output].data as Float32Array) : undefined;
    if (output && this.info.labelsType !== 'float') {
      // integer labels without a declared class count: the output tells it; refuse before any update
      const classes = this.classCount ?? out[this.info.output!].dims.at(-1);
      if (classes !== undefined) checkIndicesBelow(labels, classes);
      this.classCount ??= classes;
    }
    return { out, loss: (out[this.info.loss].data as Float32Array)[0], output };
  }

  /** Runs one pass over `data` in batches (shuffled with `random` if given); returns the mean loss. */
  /**
   * With a fixed batch dimension B in the gradient model, `batchSize` is B (the default) and the
   * partial last batch is left out: `dropped` says how many examples.
   */
  async trainEpoch(
    data: Dataset,
    options: {
      batchSize?: number;
      random?: () => number;
      lr?: number;
      onStep?: (r: TrainStepResult, index: number) => void;
    },
  ): Promise<{ meanLoss: number; steps: number; dropped: number }> {
    checkOptions('trainEpoch', options, { batchSize: 'number', random: 'function', lr: 'number', onStep: 'function' });
    const { batchSize, usable } = this.batching('trainEpoch', data, options.batchSize, this.info.batchSize);
    const order = Array.from({ length: data.count }, (_, i) => i);
    if (options.random) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(options.random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    const fullTargets = this.isFullTargets(data);
    let total = 0;
    let steps = 0;
    for (let start = 0; start < usable; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const input = new Float32Array(idx.length * this.inputSize);
      idx.forEach((e, k) =>
        input.set(data.input.subarray(e * this.inputSize, (e + 1) * this.inputSize), k * this.inputSize),
      );
      let labels: Batch['labels'];
      if (fullTargets) {
        const t = new Float32Array(idx.length * this.labelSize);
        idx.forEach((e, k) =>
          t.set(
            (data.labels as Float32Array).subarray(e * this.labelSize, (e + 1) * this.labelSize),
            k * this.labelSize,
          ),
        );
        labels = t;
      } else {
        labels = Int32Array.from(idx, (e) => Number(data.labels[e]));
      }
      const result = await this.step({ input, labels, count: idx.length }, { lr: options.lr });
      options.onStep?.(result, steps);
      total += result.loss;
      steps++;
    }
    return { meanLoss: total / Math.max(steps, 1), steps, dropped: data.count - usable };
  }

  /** The model's outputs for `count` examples (needs `inferenceModel`), with the current parameters. */
  async predict(input: Float32Array, count = input.length / this.inputSize): Promise<Float32Array> {
    if (!this.inferenceModel)
      throw new Error('predict: construct the trainer with `inferenceModel` to run the model without its loss');
    this.checkInput(input, count);
    this.evalSession ??= this.ort.InferenceSession.create(
      withParamsAsInputs(this.inferenceModel, this.params).model,
      this.sessionOptions,
    );
    const session = await this.evalSession;
    const feeds: Record<string, OrtTensor> = {
      [session.inputNames.find((n) => !this.params.some((p) => p.name === n))!]: new this.ort.Tensor('float32', input, [
        count,
        ...this.info.inputShape,
      ]),
    };
    for (const p of this.params) feeds[p.name] = new this.ort.Tensor('float32', p.data, p.shape);
    const out = await session.run(feeds);
    return out[session.outputNames[0]].data as Float32Array;
  }

  /**
   * Accuracy of arg-max predictions on labelled data, in batches. Uses the inference model when given
   * (dropout off); otherwise the gradient model, which also reports its mean loss.
   */
  async evaluate(
    data: { input: Float32Array; labels: Batch['labels']; count: number },
    options: { batchSize?: number } = {},
  ): Promise<Evaluation> {
    checkOptions('evaluate', options, { batchSize: 'number' });
    const fixed = this.inferenceModel ? this.inferenceBatchSize : this.info.batchSize;
    const { batchSize, usable } = this.batching('evaluate', data, options.batchSize, fixed, 256);
    const classIndices = !this.isFullTargets(data);
    let correct = 0;
    let lossSum = 0;
    for (let start = 0; start < usable; start += batchSize) {
      const n = Math.min(batchSize, usable - start);
      const input = data.input.subarray(start * this.inputSize, (start + n) * this.inputSize);
      const labels = classIndices
        ? Array.from({ length: n }, (_, k) => Number(data.labels[start + k]))
        : (data.labels as Float32Array).subarray(start * this.labelSize, (start + n) * this.labelSize);
      let output: Float32Array | undefined;
      if (this.inferenceModel) {
        output = await this.predict(input, n);
      } else {
        const r = await this.lossAndOutput({ input, labels, count: n });
        lossSum += r.loss * n;
        output = r.output;
      }
      if (classIndices && output) {
        const classes = output.length / n;
        for (let k = 0; k < n; k++) if (argmax(output, k * classes, classes) === labels[k]) correct++;
      }
    }
    return {
      count: usable,
      dropped: data.count - usable,
      accuracy: classIndices && (this.inferenceModel || this.info.output) ? correct / usable : undefined,
      loss: this.inferenceModel ? undefined : lossSum / usable,
    };
  }

  /** Parameters and optimizer state in one file (see checkpoint.ts). */
  checkpoint(): Uint8Array {
    return encodeCheckpoint({
      params: this.params.map((p) => ({ name: p.name, shape: [...p.shape], data: p.data })),
      optimizer: this.optimizer.state(),
    });
  }

  /** Restores a checkpoint: checks every name and shape first; on any mismatch throws and changes nothing. */
  loadCheckpoint(bytes: Uint8Array): void {
    const saved = decodeCheckpoint(bytes);
    const byName = new Map(saved.params.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const p of this.params) {
      const s = byName.get(p.name);
      if (!s) problems.push(`'${p.name}' is missing`);
      else if (s.shape.join(',') !== p.shape.join(','))
        problems.push(`'${p.name}' has shape [${s.shape.join(', ')}], the model [${p.shape.join(', ')}]`);
    }
    for (const name of byName.keys())
      if (!this.params.some((p) => p.name === name)) problems.push(`'${name}' is not a parameter of this model`);
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
    const { loss, output } = await this.run(batch);
    return { loss, output };
  }

  /**
   * Checks a dataset and the batch size; with a fixed batch dimension (`fixed`), the batch size must
   * be it and only whole batches are used: `usable` examples, the rest dropped.
   */
  private batching(
    where: string,
    data: Dataset,
    given: number | undefined,
    fixed: number | undefined,
    fallback?: number,
  ): { batchSize: number; usable: number } {
    const batchSize = given ?? fixed ?? fallback;
    if (!Number.isInteger(batchSize) || batchSize! < 1)
      throw new Error(`${where}: batchSize must be a positive integer, got ${batchSize}`);
    if (fixed !== undefined && batchSize !== fixed) {
      const model = where === 'evaluate' && this.inferenceModel ? 'inference' : 'gradient';
      throw new Error(
        `${where}: batchSize ${batchSize} differs from the ${model} model's fixed batch dimension ${fixed} ` +
          '(leave batchSize out, or export the model with a dynamic batch axis)',
      );
    }
    if (!data || typeof data !== 'object' || !Number.isInteger(data.count) || data.count < 1) {
      throw new Error(`${where}: data.count must be a positive integer, got ${data?.count}`);
    }
    this.checkInput(data.input, data.count);
    const labels = data.labels;
    const ok =
      labels != null && typeof labels === 'object' && (labels.length === data.count || this.isFullTargets(data));
    if (!ok) {
      const want =
        this.info.labelsType === 'float'
          ? `${data.count} class indices or ${data.count * this.labelSize} targets`
          : `${data.count} class indices`;
      const got = labels == null ? labels : `${(labels as { length?: number }).length} values`;
      throw new Error(`${where}: data.labels must hold ${want}, got ${got}`);
    }
    const usable = fixed === undefined ? data.count : data.count - (data.count % fixed);
    if (usable === 0) {
      throw new Error(`${where}: ${data.count} examples make no full batch of ${fixed} (the model's fixed batch size)`);
    }
    return { batchSize: batchSize!, usable };
  }

  private batchCount(batch: Batch): number {
    if (!batch || typeof batch !== 'object') throw new TypeError('batch: expected { input, labels, count? }');
    const count = batch.count ?? batch.input?.length / this.inputSize;
    this.checkInput(batch.input, count);
    if (this.info.batchSize !== undefined && count !== this.info.batchSize) {
      throw new Error(
        `batch: the gradient model has a fixed batch dimension of ${this.info.batchSize}, got ${count} examples ` +
          `(feed batches of ${this.info.batchSize}, or export the model with a dynamic batch axis)`,
      );
    }
    return count;
  }

  private checkInput(input: Float32Array, count: number): void {
    if (!(input instanceof Float32Array))
      throw new TypeError(`batch.input: expected a Float32Array, got ${describeValue(input)}`);
    if (!Number.isInteger(count) || count < 1 || input.length !== count * this.inputSize) {
      throw new Error(
        `batch.input: ${input.length} values do not make ${Number.isInteger(count) ? count : 'a whole number of'} ` +
          `examples of shape [${this.info.inputShape.join(', ')}] (${this.inputSize} values each)`,
      );
    }
  }

  /** Float labels given as full targets (a Float32Array of count × row size), not class indices. */
  private isFullTargets(data: Dataset): boolean {
    const { labels } = data;
    const rows = data.count * this.labelSize;
    return this.info.labelsType === 'float' && labels instanceof Float32Array && labels.length === rows;
  }

  private labelFeed(labels: Labels, count: number): LabelFeed {
    return labelFeed(labels, count, this.info.labelsType, this.labelSize, this.classCount);
  }
}

/**
 * A gradient as ONNX Runtime returned it, checked against its parameter: float32, and the parameter's
 * exact dims (equal element counts are not enough: a [K, D] gradient for a [D, K] weight is scrambled).
 */
function gradientOf(out: Record<string, OrtTensor>, p: Float32Param): Float32Array {
  const name = gradientName(p.name);
  const g = out[name];
  if (!g) throw new Error(`gradient output '${name}' is missing from the model's outputs`);
  if (!(g.data instanceof Float32Array)) {
    throw new Error(`gradient output '${name}' is ${g.type}, the parameter '${p.name}' is float32`);
  }
  const dims = [...g.dims].map(Number);
  if (dims.length !== p.shape.length || dims.some((d, i) => d !== p.shape[i])) {
    throw new Error(gradientShapeProblem(name, p.name, dims, p.shape, 'has shape'));
  }
  return g.data;
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

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

function resolveParams(info: GradientModelInfo, given: OrtTrainerOptions['params']): readonly Float32Param[] {
  const byName = new Map<string, { shape?: readonly number[]; data: Float32Array }>();
  if (given !== undefined) {
    if (given === null || typeof given !== 'object')
      throw new TypeError('params: expected [{ name, shape, data }] or a record of Float32Arrays');
    if (Array.isArray(given)) for (const p of given) byName.set(p.name, p);
    else for (const [name, data] of Object.entries(given as Record<string, Float32Array>)) byName.set(name, { data });
    for (const name of byName.keys()) {
      if (!info.params.some((p) => p.name === name))
        throw new Error(
          `params: '${name}' is not a parameter input of the gradient model (it has ` +
            `${info.params.map((p) => `'${p.name}'`).join(', ')})`,
        );
    }
  }
  return info.params.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const g = byName.get(p.name);
    let data: Float32Array;
    if (g) {
      if (!(g.data instanceof Float32Array)) throw new TypeError(`params['${p.name}'].data: expected a Float32Array`);
      if (g.shape && g.shape.join(',') !== p.shape.join(','))
        throw new Error(
          `params['${p.name}'].shape: [${g.shape.join(', ')}] differs from the model's [${p.shape.join(', ')}]`,
        );
      data = g.data;
    } else if (p.initial) {
      data = Float32Array.from(p.initial);
    } else {
      throw new Error(
        `params: no initial value for '${p.name}' (pass it in params, or store it as an initializer in the gradient ` +
          `model)`,
      );
    }
    if (data.length !== size)
      throw new Error(`params['${p.name}']: ${data.length} values, shape [${p.shape.join(', ')}] needs ${size}`);
    return { name: p.name, shape: [...p.shape], data, outAxis: p.outAxis, gc: p.gc };
  });
}

function resolveOptimizer(
  choice: OptimizerChoice,
  params: readonly Float32Param[],
  paramsGiven: boolean,
): Float32Optimizer {
  if (typeof choice === 'string') return createOptimizer(choice, {}, params);
  if (
    choice &&
    typeof choice === 'object' &&
    typeof (choice as Float32Optimizer).step === 'function' &&
    typeof (choice as Float32Optimizer).state === 'function'
  ) {
    const opt = choice as Float32Optimizer;
    // A ready optimizer updates the arrays it was created over: those must be the ones fed to the model.
    if (!paramsGiven)
      throw new Error(
        'optimizer: a ready @gcopt/float32 optimizer needs `params` (the same arrays it was created over)',
      );
    const names = opt.params.map((p) => p.name).join(',');
    if (names !== params.map((p) => p.name).join(',')) {
      throw new Error(
        `optimizer: it was created over [${names}], the gradient model's parameters are ` +
          `[${params.map((p) => p.name).join(',')}]; create it over trainer.params or pass { name, ...options }`,
      );
    }
    return opt;
  }
  if (choice && typeof choice === 'object' && typeof (choice as { name?: unknown }).name === 'string') {
    const { name, ...options } = choice as { name: string } & Record<string, unknown>;
    return createOptimizer(name, options, params);
  }
  throw new TypeError("optimizer: expected a name ('Adam_GC2'), { name, ...options }, or a @gcopt/float32 optimizer");
}
