import * as tf from '@tensorflow/tfjs-core';
import ndarray from 'ndarray';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotMismatchError,
  serializeHyper,
  validateSnapshot,
  type OptimizerSnapshot,
  type ParamSnapshot,
} from '@gcopt/float32';
import {
  GcoptError,
  InvalidArgumentError,
  ShapeMismatchError,
  type Family,
  type LearningRate,
  type Optimizer as CoreOptimizer,
  type WarningHandler,
} from '@gcopt/core';
import {
  FastHostStepper,
  fastHostAvailability,
  fastHostUnavailable,
  type HostKernels,
} from './backends/fastHostBackend.js';
import { hostStep, readFloat32 } from './backends/hostBackend.js';
import { normalizedAxis, type StepBackend, type StepItem, type VariableEntry } from './backends/stepItem.js';
import { tensorBackendRuns, tensorStep } from './backends/tensorBackend.js';
import { unsupportedTransforms } from './backends/tensorTransforms.js';
import { isLayersModel, modelLayoutRules } from './modelLayoutRules.js';
import { findSavedName } from './suffixedNames.js';
import { lookupVariable } from './variableLookup.js';
import {
  resolveLayout,
  serializeRule,
  tfjsLayerRules,
  validateRules,
  type VariableLayout,
  type VariableRule,
} from './variableRules.js';

/** `{ name, tensor }`: what tfjs optimizers take and give (not re-exported by tfjs-core's index). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Options every gcopt tfjs optimizer takes besides the core's hyper-parameters. */
export interface AdapterOptions {
  /** tfjs's name for `lr` (give one or the other): a number or a schedule `step => lr` (step 1 first). */
  learningRate?: LearningRate;
  /** Per-variable output axis / GC exclusion, by name, pattern or predicate (later rules win). */
  variables?: VariableRule[];
  /** Apply `tfjsLayerRules` (embeddings, depthwise kernels, Conv2DTranspose) before `variables`. Default true. */
  layerDefaults?: boolean;
  /** Reject NaN/±Inf gradients before anything changes (default true). */
  checkFinite?: boolean;
  /** Receives the fan-in-1 warnings instead of the global handler. */
  onWarning?: WarningHandler;
  /**
   * The tfjs-layers model being trained: its transposed-convolution kernels (Conv1D/2D/3DTranspose,
   * `[k…,out,in]`) are then found by layer class, whatever the layers are named. Not saved itself;
   * the rules it gives are (see `getConfig`).
   */
  model?: unknown;
  /**
   * Where steps are computed. `'host'`: the core itself on the values read from tfjs (exact; no copy
   * on the cpu backend, a download elsewhere). `'tensor'`: the core's recipe as tf ops on the
   * backend (nothing downloaded). Default `'auto'`: host on the cpu backend, tensor elsewhere.
   */
  backend?: 'auto' | StepBackend;
  /**
   * What computes a `'host'` step. Default `'auto'`: @gcopt/core/fast's fused WebAssembly SIMD
   * kernels (one thread) when the runtime has WebAssembly SIMD and the fast path fuses the recipe,
   * within the fast path's bound of the core (float32 rounding: |a − b| ≤ 1e-5·max(1, |b|)); the core
   * otherwise, which `hostKernels` on the optimizer reports once. `'core'`: the core's `stepInPlace`,
   * bit for bit. `'fast'`: the fast path, or an error naming this option.
   */
  hostKernels?: 'auto' | HostKernels;
}

/**
 * State read back by `setWeights` or `loadSnapshot`, waiting for its variable's first step. Its
 * slots are already the (non-trainable) variables the entry will keep, so `getWeights` can hand
 * them out without making tensors it would have to free later.
 */
interface PendingEntry {
  step?: number;
  readonly slots: Map<string, tf.Variable>;
  /** Known from a snapshot: the variable must have the same shape and layout. */
  readonly shape?: readonly number[];
  readonly layout?: VariableLayout;
}

/** Makes the core optimizer for a learning rate (undefined: the one in the options). */
export type CoreFactory = (lr: LearningRate | undefined) => CoreOptimizer;

const ADAPTER_KEYS = [
  'learningRate',
  'variables',
  'layerDefaults',
  'checkFinite',
  'onWarning',
  'learningRateSchedule',
  'backend',
  'model',
  'hostKernels',
];

/** Splits a constructor's options into the adapter's and the core's (`learningRate` becomes `lr`). */
export function splitOptions(className: string, options: Record<string, unknown>) {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', options, 'must be an object', className);
  const core: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!ADAPTER_KEYS.includes(key) && key !== 'customObjects') core[key] = value;
  }
  if (options.learningRate !== undefined) {
    if (options.lr !== undefined)
      throw new InvalidArgumentError(
        'learningRate',
        options.learningRate,
        'give learningRate or lr, not both',
        className,
      );
    core.lr = options.learningRate;
  }
  checkAdapterTypes(className, options);
  if (options.onWarning !== undefined) core.onWarning = options.onWarning;
  // a config saved with a schedule function has no learning rate: setLearningRate must supply it
  const awaitsSchedule = options.learningRateSchedule === true && core.lr == null;
  if (awaitsSchedule) core.lr = 0;
  return { core, adapter: options as AdapterOptions, awaitsSchedule };
}

/** Types of the adapter's own options (the core checks its hyper-parameters). */
export function checkAdapterTypes(className: string, options: Record<string, unknown>): void {
  const fail = (key: string, problem: string) => {
    throw new InvalidArgumentError(key, options[key], problem, className);
  };
  if (options.learningRate === null && options.learningRateSchedule !== true) {
    fail('learningRate', 'must be a number or a schedule function (null only in a config saved with a schedule)');
  }
  const given = (key: string) => options[key] !== undefined;
  if (given('onWarning') && typeof options.onWarning !== 'function') {
    fail('onWarning', 'must be a function (warning) => void');
  }
  for (const key of ['learningRateSchedule', 'layerDefaults', 'checkFinite']) {
    if (given(key) && typeof options[key] !== 'boolean') fail(key, 'must be true or false');
  }
  if (given('backend') && !['auto', 'host', 'tensor'].includes(options.backend as string)) {
    fail('backend', "must be 'auto', 'host' or 'tensor'");
  }
  if (given('hostKernels') && !['auto', 'core', 'fast'].includes(options.hostKernels as string)) {
    fail('hostKernels', "must be 'auto', 'core' or 'fast'");
  }
  if (options.model !== undefined && !isLayersModel(options.model)) {
    fail('model', 'must be a tfjs-layers model (tf.sequential, tf.model or a loaded LayersModel)');
  }
}

/** Runs `make`; an error about `lr` names the option as the user wrote it (`learningRate`). */
export function namingLearningRate<T>(options: Record<string, unknown>, make: () => T): T {
  try {
    return make();
  } catch (error) {
    const writtenAsLearningRate = options.learningRate !== undefined && options.lr === undefined;
    if (error instanceof InvalidArgumentError && error.param === 'lr' && writtenAsLearningRate) {
      const context = error.message.slice(0, Math.max(0, error.message.indexOf(': lr = ')));
      throw new InvalidArgumentError('learningRate', error.value, error.referenceMessage, context);
    }
    throw error;
  }
}

/**
 * A `tf.Optimizer` that runs a gcopt core optimizer: its recipe, its state layout (slot names) and
 * its validation. A step runs inside `tf.tidy` on one of two backends (see `AdapterOptions.backend`)
 * and writes variables and state (non-trainable tf.Variables) with `assign`.
 */
export abstract class GcOptimizer extends tf.Optimizer {
  protected core: CoreOptimizer;
  /** The built-in layer rules (unless turned off); the model's and the user's follow (see `rules`). */
  private readonly builtInRules: readonly VariableRule[];
  private readonly model?: unknown;
  private readonly checkFinite: boolean;
  private readonly entries = new Map<string, VariableEntry>();
  private pending = new Map<string, PendingEntry>();
  /**
   * Step counters handed out by getWeights, one tensor per value: callers (tfjs-layers' save) do
   * not dispose them and may still be reading them, so they live until `dispose()`.
   */
  private counters = new Map<number, tf.Tensor>();
  private awaitsSchedule: boolean;
  private readonly backend: 'auto' | StepBackend;
  /** The user's rules (saved by getConfig; the built-in layer rules are a flag). */
  private readonly userRules: VariableRule[];
  private readonly layerDefaults: boolean;
  private readonly onWarning?: WarningHandler;
  private readonly hostKernelsOption: 'auto' | HostKernels;
  private hostKernelsChosen: { readonly name: HostKernels; readonly note: string };
  private readonly fastHost = new FastHostStepper();

  protected constructor(
    private readonly makeCore: CoreFactory,
    /** The reference release the optimizer is from (`AdamW` exists in both). */
    readonly family: Family,
    adapter: AdapterOptions,
    awaitsSchedule = false,
  ) {
    super();
    this.core = namingLearningRate(adapter as Record<string, unknown>, () => makeCore(undefined));
    const userRules = validateRules(adapter.variables);
    checkAdapterTypes(this.core.name, adapter as Record<string, unknown>);
    this.builtInRules = adapter.layerDefaults === false ? [] : tfjsLayerRules;
    this.model = adapter.model;
    this.userRules = userRules;
    this.layerDefaults = adapter.layerDefaults !== false;
    this.checkFinite = adapter.checkFinite !== false;
    this.awaitsSchedule = awaitsSchedule;
    this.iterations_ = 0;
    const backend = adapter.backend ?? 'auto';
    if (!['auto', 'host', 'tensor'].includes(backend)) {
      throw new InvalidArgumentError('backend', backend, "must be 'auto', 'host' or 'tensor'", this.core.name);
    }
    const unsupported = unsupportedTransforms(this.core.recipe);
    if (backend === 'tensor' && unsupported.length > 0) {
      throw new InvalidArgumentError(
        'backend',
        backend,
        `no tf-op form for [${unsupported}]: use 'host'`,
        this.core.name,
      );
    }
    this.backend = backend;
    this.onWarning = adapter.onWarning;
    // chosen once: a new learning rate makes a new core with the same recipe
    this.hostKernelsOption = adapter.hostKernels ?? 'auto';
    const fast = this.hostKernelsOption === 'core' ? null : fastHostAvailability(this.core);
    if (fast && 'reason' in fast && this.hostKernelsOption === 'fast') {
      throw fastHostUnavailable(fast.reason, this.core.name);
    }
    this.hostKernelsChosen =
      fast === null
        ? { name: 'core', note: '' }
        : 'reason' in fast
          ? { name: 'core', note: `${fast.reason}: host steps run on the core` }
          : { name: 'fast', note: '' };
  }

  /**
   * What computes this optimizer's `'host'` steps: `'fast'` (@gcopt/core/fast's WebAssembly SIMD
   * kernels) or `'core'`, and why the core where the fast path was not asked away (see `hostKernels`
   * in the options).
   */
  get hostKernels(): { readonly name: HostKernels; readonly note: string } {
    return this.hostKernelsChosen;
  }

  /** A host step on the kernels chosen; the core from now on where the fast path cannot start. */
  private readonly hostStep = (core: CoreOptimizer, items: StepItem[], count: number, checkFinite: boolean) => {
    if (this.hostKernelsChosen.name === 'fast') {
      const done = this.fastHost.step(core, items, count, checkFinite);
      if (done !== null) return done;
      if (this.hostKernelsOption === 'fast') throw fastHostUnavailable(this.fastHost.failure!, core.name);
      this.hostKernelsChosen = { name: 'core', note: `${this.fastHost.failure}: host steps run on the core` };
    }
    return hostStep(core, items, count, checkFinite);
  };

  /** Built-in rules, then the rules read from the model's layers, then the user's (later rules win). */
  private get rules(): VariableRule[] {
    return [...this.builtInRules, ...this.modelRules(), ...this.userRules];
  }

  /** Rules found in the model by layer class (none without `model`); read anew, as layers build lazily. */
  private modelRules(): VariableRule[] {
    return this.model === undefined ? [] : modelLayoutRules(this.model);
  }

  /** Where the next step runs: `'host'` or `'tensor'` (`'auto'` resolved for the current tfjs backend). */
  get activeBackend(): StepBackend {
    if (this.backend !== 'auto') return this.backend;
    return tf.getBackend() !== 'cpu' && tensorBackendRuns(this.core, this.onWarning) ? 'tensor' : 'host';
  }

  /** The reference optimizer's name (`Lookahead(Adam_GC)` for a wrapped one). */
  get referenceName(): string {
    return this.core.name;
  }

  /** Resolved hyper-parameters of the core optimizer, defaults filled in. */
  get hyper(): Readonly<Record<string, unknown>> {
    return this.core.hyper;
  }

  get learningRate(): LearningRate {
    return this.core.hyper.lr;
  }

  /** The core optimizer this one runs, for a learning rate (Lookahead wraps it). */
  createCore(lr?: LearningRate): CoreOptimizer {
    return this.makeCore(lr);
  }

  /** True when built from a config saved with a schedule function, until setLearningRate gives it back. */
  get awaitsLearningRate(): boolean {
    return this.awaitsSchedule;
  }

  /** Replaces the learning rate (or schedule); state and step counts are kept. */
  setLearningRate(lr: LearningRate): void {
    this.core = namingLearningRate({ learningRate: lr }, () => this.makeCore(lr));
    this.awaitsSchedule = false;
  }

  /** How the rules place one variable (for checking a model's layout before training). */
  layoutOf(name: string, shape: readonly number[]): VariableLayout {
    return resolveLayout(this.rules, name, shape);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (this.awaitsSchedule) {
      throw new InvalidArgumentError(
        'learningRate',
        null,
        'this optimizer was saved with a learning-rate schedule (a function cannot be serialized): call ' +
          'setLearningRate(schedule) before training',
        this.core.name,
      );
    }
    this.dropDisposedVariables();
    const pairs: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const stepped: StepItem[] = [];
    const seen = new Set<string>();
    const syncsWithoutGradient = this.core.recipe.some((tr) => tr.alsoWithoutGradient);
    for (const [name, grad] of pairs) {
      if (grad == null) {
        // tfjs's own optimizers skip a variable without a gradient; Lookahead syncs it (below)
        if (syncsWithoutGradient && isParameterWithoutGradient(name)) this.entryFor(name);
        continue;
      }
      const entry = this.entryFor(name);
      if (grad.shape.join() !== entry.shape.join()) {
        throw new ShapeMismatchError(
          `${this.core.name}: gradient of '${name}' has shape [${grad.shape}], the variable [${entry.shape}]`,
        );
      }
      if (grad.dtype !== 'float32')
        throw new InvalidArgumentError(`gradient of '${name}'`, grad.dtype, 'must be float32', this.core.name);
      stepped.push({ name, entry, grad });
      seen.add(name);
    }
    // Lookahead's sync runs for every parameter, with or without a gradient this step
    if (syncsWithoutGradient) {
      for (const [name, entry] of this.entries) if (!seen.has(name)) stepped.push({ name, entry, grad: null });
    }
    const step = this.activeBackend === 'host' ? this.hostStep : tensorStep;
    this.iterations_ = tf.tidy(() => step(this.core, stepped, this.iterations, this.checkFinite));
  }

  /** The state of a variable, created at its first step (from `setWeights`' data if there is some). */
  private entryFor(name: string): VariableEntry {
    const known = this.entries.get(name);
    if (known) return known; // disposed variables were dropped at the start of the step
    const variable = lookupVariable(name);
    if (variable.dtype !== 'float32') {
      throw new InvalidArgumentError(name, variable.dtype, 'gcopt optimizes float32 variables only', this.core.name);
    }
    const shape = [...variable.shape];
    const layout = resolveLayout(this.rules, name, shape);
    const value = readFloat32(variable, `variable '${name}'`).slice();
    // init validates the layout (outAxis in range) and emits the fan-in-1 warning once per variable
    const initial = this.core.init([{ value: ndarray(value, shape), outAxis: layout.outAxis, gc: layout.gc, name }])
      .tensors[0];
    const savedName = findSavedName(this.pending.keys(), (key) => this.pending.has(key), name);
    const saved = savedName === undefined ? undefined : this.pending.get(savedName);
    let slots = new Map<string, tf.Variable>();
    let step = 0;
    if (
      saved?.layout &&
      (saved.shape!.join() !== shape.join() ||
        saved.layout.gc !== layout.gc ||
        normalizedAxis(saved.layout.outAxis, shape.length) !== normalizedAxis(layout.outAxis, shape.length))
    ) {
      throw new ShapeMismatchError(
        `${this.core.name}: the loaded state of '${name}' was made for shape [${saved.shape}], outAxis ` +
          `${saved.layout.outAxis}, gc ${saved.layout.gc}; ` +
          `the variable is [${shape}] with outAxis ${normalizedAxis(layout.outAxis, shape.length)}, gc ${layout.gc}`,
      );
    }
    if (saved) {
      const expected = Object.keys(initial.slots).sort();
      const got = [...saved.slots.keys()].sort();
      if (expected.join() !== got.join() || saved.step === undefined) {
        throw new ShapeMismatchError(
          `${this.core.name}: the loaded state of '${name}' holds ` +
            `[${got}${saved.step === undefined ? '' : ', step'}], this optimizer keeps [${expected}, step]`,
        );
      }
      for (const [slot, value] of saved.slots) {
        if (value.shape.join() !== shape.join()) {
          throw new ShapeMismatchError(
            `${this.core.name}: the loaded ${slot} of '${name}' has shape [${value.shape}], the variable [${shape}]`,
          );
        }
      }
      // checked: the saved variables become this entry's state (nothing is copied or freed)
      slots = saved.slots;
      this.pending.delete(savedName!);
      step = saved.step;
    } else {
      if (this.pending.size > 0 || this.loadedNames.size > 0) {
        throw new ShapeMismatchError(
          `${this.core.name}: the state loaded with setWeights has nothing for variable '${name}' (it has: ` +
            `${[...this.loadedNames].join(', ')})`,
        );
      }
      for (const [slot, data] of Object.entries(initial.slots)) {
        slots.set(slot, stateVariable(data as Float32Array, shape));
      }
    }
    const entry: VariableEntry = { variable, shape, layout, step, slots };
    this.entries.set(name, entry);
    return entry;
  }

  /** Names of the variables the last setWeights restored (a later unknown variable is an error, not a fresh start). */
  private loadedNames = new Set<string>();

  /**
   * State belongs to the variable object: when a variable is disposed (its model disposed, or the
   * variable made again under the same name), its state is freed, and a new variable of that name
   * starts from fresh state as any variable the optimizer has not seen.
   */
  private dropDisposedVariables(): void {
    for (const [name, entry] of this.entries) {
      if (!entry.variable.isDisposed) continue;
      for (const v of entry.slots.values()) v.dispose();
      this.entries.delete(name);
    }
  }

  /**
   * `iter` first (tfjs convention), then per variable, in first-step order: `<name>/step` and
   * `<name>/<slot>` (slot names as in PyTorch's state_dict: exp_avg, exp_avg_sq, momentum_buffer…).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.dropDisposedVariables();
    // nothing handed out earlier is freed here: another save may still be reading it
    const counter = (value: number) => {
      let t = this.counters.get(value);
      if (!t) this.counters.set(value, (t = tf.scalar(value, 'int32')));
      return t;
    };
    const out: NamedTensor[] = [{ name: 'iter', tensor: counter(this.iterations) }];
    for (const [name, entry] of this.entries) {
      out.push({ name: `${name}/step`, tensor: counter(entry.step) });
      for (const slot of [...entry.slots.keys()].sort())
        out.push({ name: `${name}/${slot}`, tensor: entry.slots.get(slot)! });
    }
    for (const [name, saved] of this.pending) {
      out.push({ name: `${name}/step`, tensor: counter(saved.step ?? 0) });
      for (const slot of [...saved.slots.keys()].sort()) {
        out.push({ name: `${name}/${slot}`, tensor: saved.slots.get(slot)! });
      }
    }
    return out;
  }

  /**
   * Restores what getWeights returned: the first entry is the iteration count, the rest is matched
   * to variables by name (not position) at their next step. Replaces all current state; the given
   * tensors are copied (tfjs-layers disposes them right after).
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    if (!Array.isArray(weightValues) || weightValues.length === 0) {
      throw new InvalidArgumentError(
        'weightValues',
        weightValues,
        'expected [iter, ...state] as returned by getWeights',
        this.core.name,
      );
    }
    const slotNames = this.slotNames();
    const read: { variable: string; key: string; data: Float32Array | number; shape: number[] }[] = [];
    for (const { name, tensor } of weightValues.slice(1)) {
      const cut = typeof name === 'string' ? name.lastIndexOf('/') : -1;
      const variable = name.slice(0, cut);
      const key = name.slice(cut + 1);
      if (cut <= 0 || (key !== 'step' && !slotNames.includes(key))) {
        throw new InvalidArgumentError(
          'weightValues',
          name,
          `not state of ${this.core.name}: expected '<variable>/step' or '<variable>/<slot>' with slot in ` +
            `[${slotNames}]`,
        );
      }
      const data = key === 'step' ? (await tensor.data())[0] : Float32Array.from(await tensor.data());
      read.push({ variable, key, data, shape: [...tensor.shape] });
    }
    const iterations = (await weightValues[0].tensor.data())[0];
    // everything read and checked: only now is the current state replaced
    const pending = new Map<string, PendingEntry>();
    for (const { variable, key, data, shape } of read) {
      const entry: PendingEntry = pending.get(variable) ?? { slots: new Map() };
      pending.set(variable, entry);
      if (typeof data === 'number') entry.step = data;
      else entry.slots.set(key, stateVariable(data, shape));
    }
    this.iterations_ = iterations;
    this.disposeState();
    this.pending = pending;
    this.loadedNames = new Set(pending.keys());
  }

  /**
   * The state as @gcopt/float32's versioned snapshot (`encodeSnapshot` makes bytes of it), the
   * format all gcopt adapters read: a float32 trainer, another tfjs optimizer, onnxruntime.
   */
  snapshot(): OptimizerSnapshot {
    this.dropDisposedVariables();
    const hyper = serializeHyper(this.core.hyper as Record<string, unknown>);
    const params: ParamSnapshot[] = [];
    for (const [name, e] of this.entries) {
      params.push({
        name,
        shape: [...e.shape],
        outAxis: normalizedAxis(e.layout.outAxis, e.shape.length),
        gc: e.layout.gc,
        group: 0,
        step: e.step,
        slots: Object.fromEntries([...e.slots].map(([slot, v]) => [slot, Float32Array.from(v.dataSync())])),
      });
    }
    for (const [name, p] of this.pending) {
      const shape = p.shape ?? [...p.slots.values()][0]?.shape;
      if (!shape)
        throw new GcoptError(
          `${this.core.name}: the state of '${name}' loaded with setWeights holds no array to tell its shape: take a ` +
            `step before snapshot()`,
        );
      const layout = p.layout ?? resolveLayout(this.rules, name, shape);
      params.push({
        name,
        shape: [...shape],
        outAxis: normalizedAxis(layout.outAxis, shape.length),
        gc: layout.gc,
        group: 0,
        step: p.step ?? 0,
        slots: Object.fromEntries([...p.slots].map(([slot, v]) => [slot, Float32Array.from(v.dataSync())])),
      });
    }
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      optimizer: { name: this.core.name, family: this.family, hyper },
      groups: [{ hyper }],
      count: this.iterations,
      params,
    };
  }

  /**
   * Restores a snapshot (from `snapshot()`, a @gcopt/float32 optimizer's `state()`, `decodeSnapshot`…)
   * of the same optimizer; parameters are matched to variables by name at their next step.
   * Throws SnapshotMismatchError and changes nothing if it is of another optimizer or keeps other
   * state arrays. Hyper-parameters are this optimizer's own, as with PyTorch's load_state_dict.
   */
  loadSnapshot(snapshot: OptimizerSnapshot): void {
    validateSnapshot(snapshot);
    const problems: string[] = [];
    if (snapshot.optimizer.name !== this.core.name || snapshot.optimizer.family !== this.family) {
      problems.push(
        `optimizer: the snapshot is of ${snapshot.optimizer.name} (${snapshot.optimizer.family}), this optimizer is ` +
          `${this.core.name} (${this.family})`,
      );
    }
    const want = this.slotNames().sort().join();
    for (const p of snapshot.params) {
      const have = Object.keys(p.slots).sort().join();
      if (have !== want)
        problems.push(
          `parameter '${p.name}': state arrays [${have}] in the snapshot, ${this.core.name} keeps [${want}]`,
        );
    }
    if (problems.length) throw new SnapshotMismatchError(problems);
    const pending = new Map<string, PendingEntry>();
    for (const p of snapshot.params) {
      const shape = [...p.shape];
      pending.set(p.name, {
        step: p.step,
        shape,
        layout: { outAxis: p.outAxis, gc: p.gc },
        slots: new Map(
          Object.entries(p.slots).map(([slot, data]) => [slot, stateVariable(Float32Array.from(data), shape)]),
        ),
      });
    }
    this.iterations_ = snapshot.count;
    this.disposeState();
    this.pending = pending;
    this.loadedNames = new Set(pending.keys());
  }

  private slotNames(): string[] {
    return Object.keys(this.core.init([{ value: ndarray(new Float32Array(1), [1]) }]).tensors[0].slots);
  }

  /** The options that rebuild this optimizer (JSON; survives tfjs-layers' camel-casing of strings). */
  override getConfig(): tf.serialization.ConfigDict {
    const { lr, ...rest } = this.core.hyper as Record<string, unknown>;
    const config: tf.serialization.ConfigDict = {};
    for (const [key, value] of Object.entries(rest)) config[key] = value as tf.serialization.ConfigDictValue;
    Object.assign(config, this.adapterConfig());
    if (typeof lr === 'function') {
      config.learningRate = null;
      config.learningRateSchedule = true;
    } else config.learningRate = lr as number;
    return config;
  }

  protected adapterConfig(): tf.serialization.ConfigDict {
    // the model's rules are saved as rules by name: a model loaded without `model` keeps them
    let rules = [...this.modelRules(), ...this.userRules];
    if (rules.some((r) => r.predicate)) {
      // a predicate cannot be saved: save what it decided for the variables seen so far
      if (this.entries.size === 0) {
        throw new InvalidArgumentError(
          'variables',
          'predicate',
          'a predicate rule cannot be serialized before the optimizer has seen the variables; use name or pattern ' +
            'rules, or save after a step',
          this.core.name,
        );
      }
      rules = [
        ...rules.filter((r) => !r.predicate),
        ...[...this.entries].map(([name, e]) => ({ name, outAxis: e.layout.outAxis, gc: e.layout.gc })),
      ];
    }
    return {
      variables: rules.map(serializeRule) as unknown as tf.serialization.ConfigDictArray,
      layerDefaults: this.layerDefaults,
      checkFinite: this.checkFinite,
      backend: this.backend,
      // only when chosen: configs saved before the option existed stay as they were
      ...(this.hostKernelsOption === 'auto' ? {} : { hostKernels: this.hostKernelsOption }),
    };
  }

  /** Frees every tensor this optimizer holds (its state); it may train again afterwards from fresh state. */
  override dispose(): void {
    this.disposeState();
    for (const t of this.counters.values()) t.dispose();
    this.counters.clear();
    this.loadedNames.clear();
    super.dispose();
  }

  /** Frees the state of the variables and the state loaded for variables not stepped yet. */
  private disposeState(): void {
    for (const entry of this.entries.values()) for (const v of entry.slots.values()) v.dispose();
    this.entries.clear();
    for (const p of this.pending.values()) for (const v of p.slots.values()) v.dispose();
    this.pending.clear();
  }
}

// tf.Optimizer makes `instanceof` duck-typed (any object with minimize/applyGradients passes), and
// subclasses inherit that: restore the ordinary prototype-chain test for gcopt's own classes.
Object.defineProperty(GcOptimizer, Symbol.hasInstance, {
  value(this: abstract new (...args: never[]) => unknown, instance: unknown): boolean {
    return (
      typeof instance === 'object' && instance !== null && Object.prototype.isPrototypeOf.call(this.prototype, instance)
    );
  },
});

/**
 * Whether a variable named without a gradient is a parameter Lookahead syncs (docs/ALGORITHMS.md §3.6: every
 * parameter, with or without a gradient). Its parameter list is what tfjs names: `minimize(f, true, varList)`
 * (model.fit passes the model's trainable weights) names every variable of `varList`, those without a gradient
 * too. Not the engine's registered variables: those include other models' weights, which a sync would pull
 * back. A variable tfjs omits gets its state when first named; the slow copy starts as its value then, which
 * is its step-1 value unless something else changed it. Non-trainable and non-float32 variables are skipped
 * as tfjs's own optimizers skip them.
 */
function isParameterWithoutGradient(name: string): boolean {
  const found = tf.engine().registeredVariables[name];
  return found?.trainable === true && found.dtype === 'float32';
}

/** A non-trainable variable holding `data` (the temporary tensor it is made from is freed). */
function stateVariable(data: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(data, shape, 'float32'), false));
}
