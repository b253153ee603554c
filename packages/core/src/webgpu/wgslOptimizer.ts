import { gcApplies } from '../centralize/gcRule.js';
import { InvalidArgumentError, NonFiniteGradientError, ShapeMismatchError } from '../errors.js';
import type { DeviceParam } from '../gpu/deviceOptimizer.js';
import { checkResumeState } from '../gpu/resumeState.js';
import { resolveLearningRate } from '../optimizers/recipeOptimizer.js';
import type { Optimizer, OptimizerState, TensorState } from '../optimizers/types.js';
import { layoutOf, type Layout } from '../tensor/layout.js';
import { emitWarning, zeroedGradientWarning, type WarningHandler } from '../warnings.js';
import { BufferUsage, isGpuBuffer, MAP_READ_MODE, type GpuBuffer, type GpuDevice } from './gpuTypes.js';
import { acquireWebGpuDevice, isSoftwareDevice } from './webGpuDevice.js';
import { BINDING, ROW_LANES, TENSOR_FIELDS, TILE, wgslModule } from './wgslShader.js';
import { wgslRuleOf, type WgslRule } from './wgslRule.js';

/** One tensor's gradient: host values (uploaded by the step) or a device buffer of float32s in the tensor's layout. */
export type WgslGradient = Float32Array | GpuBuffer;

export interface WgslStepOptions {
  /** This step's learning rate (default: the optimizer's lr or schedule). */
  lr?: number;
  /**
   * Refuse the step if a gradient holds NaN or ±Inf (default true). Float32Array gradients are
   * scanned on the host and throw at once; device gradients are scanned on the device, and a bad one
   * makes the device skip this step (and every later one until the refusal is reported): nothing changes.
   */
  checkFinite?: boolean;
  /**
   * Read the device's verdict back after this step and throw NonFiniteGradientError if it was
   * refused (one small readback). Without it the refusal is reported by `finish()`.
   */
  waitForCheck?: boolean;
}

export interface WgslOptimizerOptions {
  /** The device to use (e.g. the one tfjs-webgpu computes gradients on); default: a new one. */
  device?: GpuDevice;
  /** Resume from this state (the core's format) instead of a fresh one. */
  state?: OptimizerState;
  /** Receives warnings (fan-in-1 tensors that GC zeroes) instead of the process-wide handler. */
  onWarning?: WarningHandler;
  /**
   * How a centred tensor's rows are reduced: `'workgroup'` (one workgroup per row, the row summed in
   * workgroup memory: GPUs) or `'invocation'` (one invocation per row, no barriers: software
   * adapters, which run invocations as CPU SIMD lanes). Default: `'invocation'` on a software
   * adapter (lavapipe, SwiftShader), else `'workgroup'`.
   */
  rowReduction?: RowReduction;
}

export type RowReduction = 'workgroup' | 'invocation';

/**
 * An optimizer that steps a model's tensors on a WebGPU device with hand-written WGSL: parameters,
 * state and (optionally) gradients stay on the device; each step is one command buffer and one
 * submit; nothing is read back unless asked.
 */
export interface WgslOptimizer {
  readonly backend: 'wgsl';
  /** The core optimizer's name, e.g. `Adam_GC`. */
  readonly optimizer: string;
  readonly device: GpuDevice;
  /** How centred rows are reduced (see `WgslOptimizerOptions.rowReduction`). */
  readonly rowReduction: RowReduction;
  /** Completed steps (a step found refused later is taken back: see `finish`). */
  readonly count: number;
  /** Compute dispatches of the last step (checks, long-row partial sums, updates). */
  readonly lastDispatches: number;
  /**
   * Bytes the step's kernels read and write per parameter (4 per float32 access, as the shaders
   * are written), for a step with device gradients and the check on or off.
   */
  bytesPerParam(checkFinite?: boolean): number;
  /** Tensor i's parameters on the device (float32, its own layout): bind it in a forward pass, no copy. */
  paramBuffer(index: number): GpuBuffer;
  /** Tensor i's gradient buffer: a backward pass may write the gradient here and hand it to `step`. */
  gradientBuffer(index: number): GpuBuffer;
  step(grads: readonly WgslGradient[], options?: WgslStepOptions): Promise<void>;
  /** The parameters, row-major in their own layouts (fresh arrays). */
  readParams(): Promise<Float32Array[]>;
  /** The whole state in the core's format. */
  readState(): Promise<OptimizerState>;
  /**
   * Waits for every submitted step; throws NonFiniteGradientError if one was refused (it and the
   * steps after it changed nothing and `count` is taken back to before it). The refusal is then cleared.
   */
  finish(): Promise<void>;
  /** Destroys the buffers (and the device, if this optimizer created it). */
  dispose(): void;
}

/** Which entry point updates a tensor (see wgslShader.ts). */
type UpdateKernel = 'update' | 'updateRows' | 'updateFlat';

interface TensorOnDevice {
  readonly kernel: UpdateKernel;
  readonly layout: Layout;
  readonly centred: boolean;
  readonly rows: number;
  readonly fanIn: number;
  readonly tiles: number;
  readonly groups: [number, number];
  readonly checkGroups: [number, number];
  readonly p: GpuBuffer;
  readonly g: GpuBuffer;
  readonly slots: GpuBuffer[];
  readonly rowSums: GpuBuffer | null;
  readonly bindGroup: unknown;
  /** The bind group for the last device gradient passed in (one-entry cache). */
  foreign: { buffer: GpuBuffer; group: unknown } | null;
}

/** Bytes each tensor's uniform occupies (the minimum uniform offset alignment everywhere). */
const TENSOR_STRIDE = 256;
const STORAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Puts the parameters and `optimizer`'s state on a WebGPU device; see `WgslOptimizer`. */
export async function createWgslOptimizer(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  options: WgslOptimizerOptions = {},
): Promise<WgslOptimizer> {
  const rule = wgslRuleOf(optimizer);
  const name = optimizer.name;
  if (!Array.isArray(params) || params.length === 0)
    throw new InvalidArgumentError('params', params, 'must be a non-empty array of parameters');
  const layouts = params.map((p, i) => layoutOf(p.shape, p.outAxis ?? 0, `params[${i}].shape`));
  params.forEach((p, i) => {
    if (!(p.data instanceof Float32Array) || p.data.length !== layouts[i].size) {
      throw new InvalidArgumentError(
        `params[${i}].data`,
        p.data?.length,
        `must be a Float32Array of ${layouts[i].size} elements (shape [${p.shape}])`,
      );
    }
  });
  const resume = options.state;
  if (resume)
    checkResumeState(
      name,
      layouts,
      rule.slots.map((s) => s.name),
      resume,
    );
  if (
    options.rowReduction !== undefined &&
    options.rowReduction !== 'workgroup' &&
    options.rowReduction !== 'invocation'
  ) {
    throw new InvalidArgumentError('rowReduction', options.rowReduction, "must be 'workgroup' or 'invocation'");
  }
  const ownDevice = !options.device;
  const device = options.device ?? (await acquireWebGpuDevice()).device;
  const rowReduction = options.rowReduction ?? (isSoftwareDevice(device) ? 'invocation' : 'workgroup');
  const maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  layouts.forEach((l, i) => {
    if (l.size * 4 > maxBinding)
      throw new InvalidArgumentError(
        `params[${i}]`,
        l.shape,
        `holds ${l.size * 4} bytes; this device binds at most ${maxBinding}`,
      );
  });

  device.pushErrorScope('validation');
  const pipelines = makePipelines(device, rule);
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension ?? 65535;
  const grid = (groups: number): [number, number] => {
    const x = Math.max(1, Math.min(groups, maxGroups));
    return [x, Math.ceil(groups / x)];
  };
  const tensorUniform = device.createBuffer({
    size: TENSOR_STRIDE * params.length,
    usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    label: 'tensors',
  });
  const stepWords = 4 + rule.stepFields.length;
  const stepUniform = device.createBuffer({
    size: Math.ceil((stepWords * 4) / 16) * 16,
    usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    label: 'step',
  });
  const flagWords = 2 + 2 * params.length;
  const flags = device.createBuffer({ size: flagWords * 4, usage: STORAGE, label: 'flags' });
  const noRowSums = device.createBuffer({ size: 16, usage: BufferUsage.STORAGE, label: 'no row sums' });
  const owned: GpuBuffer[] = [tensorUniform, stepUniform, flags, noRowSums];
  const tensorWords = new Uint32Array((TENSOR_STRIDE / 4) * params.length);
  const tensors: TensorOnDevice[] = layouts.map((layout, i) => {
    const centred = params[i].gc !== false && gcApplies(layout.rank, rule.rule);
    if (centred && layout.fanIn === 1)
      emitWarning(zeroedGradientWarning(layout.shape, layout.outAxis, i, params[i].name), options.onWarning);
    const rows = centred ? layout.channels : 1;
    const fanIn = centred ? layout.fanIn : layout.size;
    const kernel: UpdateKernel = !centred ? 'updateFlat' : rowReduction === 'invocation' ? 'updateRows' : 'update';
    const tiles = kernel === 'updateRows' ? 1 : Math.ceil(fanIn / TILE);
    const groups = grid(kernel === 'updateRows' ? Math.ceil(rows / ROW_LANES) : rows * tiles);
    const checkGroups = grid(Math.ceil(layout.size / TILE));
    const fields: Record<(typeof TENSOR_FIELDS)[number], number> = {
      index: i,
      rows,
      fanIn,
      outer: centred ? layout.outer : 1,
      inner: centred ? layout.inner : layout.size,
      tiles,
      centred: centred ? 1 : 0,
      groupsX: groups[0],
      size: layout.size,
      checkGroupsX: checkGroups[0],
    };
    TENSOR_FIELDS.forEach((f, k) => (tensorWords[(TENSOR_STRIDE / 4) * i + k] = fields[f]));
    const buffer = (label: string, values: Float32Array) => {
      const b = device.createBuffer({ size: Math.max(4, values.byteLength), usage: STORAGE, label: `${label} #${i}` });
      device.queue.writeBuffer(b, 0, values);
      owned.push(b);
      return b;
    };
    const p = buffer('p', params[i].data);
    const g = buffer('g', new Float32Array(layout.size));
    const slots = rule.slots.map((s) =>
      buffer(
        s.name,
        resume ? Float32Array.from(resume.tensors[i].slots[s.name]) : new Float32Array(layout.size).fill(s.initial),
      ),
    );
    const rowSums =
      kernel === 'update' && tiles > 1 ? buffer('row sums', new Float32Array(rows * (1 + 2 * tiles))) : null;
    const t: TensorOnDevice = {
      kernel,
      layout,
      centred,
      rows,
      fanIn,
      tiles,
      groups,
      checkGroups,
      p,
      g,
      slots,
      rowSums,
      bindGroup: null,
      foreign: null,
    };
    return { ...t, bindGroup: bindGroupOf(t, i, g) };
  });
  device.queue.writeBuffer(tensorUniform, 0, tensorWords);
  // the pipelines this model's steps use, compiled now so that a compile error shows here
  pipelines.get('check');
  for (const kernel of new Set(tensors.map((t) => t.kernel))) pipelines.get(kernel);
  if (tensors.some((t) => t.rowSums)) pipelines.get('rowPartials');
  const setupError = await device.popErrorScope();
  if (setupError) {
    owned.forEach((b) => b.destroy());
    compiled.get(device)?.clear(); // the pipelines may be what failed
    if (ownDevice) device.destroy();
    throw new Error(`${name}: WebGPU rejected the WGSL optimizer's setup: ${setupError.message}`);
  }

  function bindGroupOf(t: Omit<TensorOnDevice, 'bindGroup'>, i: number, g: GpuBuffer): unknown {
    const entries = [
      {
        binding: BINDING.tensor,
        resource: { buffer: tensorUniform, offset: TENSOR_STRIDE * i, size: TENSOR_FIELDS.length * 4 },
      },
      { binding: BINDING.step, resource: { buffer: stepUniform } },
      { binding: BINDING.flags, resource: { buffer: flags } },
      { binding: BINDING.g, resource: { buffer: g, offset: 0, size: Math.max(4, t.layout.size * 4) } },
      { binding: BINDING.p, resource: { buffer: t.p } },
      { binding: BINDING.rowSums, resource: { buffer: t.rowSums ?? noRowSums } },
      ...t.slots.map((b, k) => ({ binding: BINDING.firstSlot + k, resource: { buffer: b } })),
    ];
    return device.createBindGroup({ layout: pipelines.layout, entries });
  }

  let count = resume ? resume.count : 0;
  let lastDispatches = 0;
  let disposed = false;
  /** The device still carries a reported refusal: clear its flags with the next step. */
  let clearFlags = false;
  const stepData = new ArrayBuffer(stepWords * 4);

  /** Reads the flags back; a refusal takes `count` back to before the refused step and is returned. */
  async function readRefusal(): Promise<NonFiniteGradientError | null> {
    const [words] = await readBack([{ buffer: flags, bytes: flagWords * 4 }]);
    const u = new Uint32Array(words.buffer, words.byteOffset, flagWords);
    const refusedStep = u[0];
    if (refusedStep === 0 || clearFlags) return null;
    for (let i = 0; i < params.length; i++) {
      const key = u[2 + 2 * i];
      if (key === 0) continue;
      const value = new Float32Array(new Uint32Array([u[3 + 2 * i]]).buffer)[0];
      const steps = count - refusedStep + 1;
      count = refusedStep - 1;
      clearFlags = true;
      const error = new NonFiniteGradientError(i, params[i].name, ~key >>> 0, value);
      error.message =
        `step ${refusedStep}: ${error.message}` +
        (steps > 1 ? ` (the ${steps - 1} step(s) submitted after it were refused too)` : '');
      return error;
    }
    throw new Error(`${name}: the device refused step ${refusedStep} but recorded no tensor (internal error)`);
  }

  async function readBack(sources: { buffer: GpuBuffer; bytes: number }[]): Promise<Float32Array[]> {
    const total = sources.reduce((n, s) => n + Math.ceil(s.bytes / 4) * 4, 0);
    const staging = device.createBuffer({
      size: Math.max(4, total),
      usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
      label: 'readback',
    });
    try {
      const encoder = device.createCommandEncoder();
      let at = 0;
      for (const s of sources) {
        encoder.copyBufferToBuffer(s.buffer, 0, staging, at, s.bytes);
        at += Math.ceil(s.bytes / 4) * 4;
      }
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ_MODE);
      const all = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      let from = 0;
      return sources.map((s) => {
        const out = all.slice(from, from + s.bytes / 4);
        from += Math.ceil(s.bytes / 4);
        return out;
      });
    } finally {
      staging.destroy();
    }
  }

  const alive = () => {
    if (disposed) throw new Error(`${name}: this WGSL optimizer was disposed`);
  };
  const tensorIndex = (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= params.length)
      throw new InvalidArgumentError('index', index, `must name one of the ${params.length} parameters`);
    return index;
  };

  const self: WgslOptimizer = {
    backend: 'wgsl',
    optimizer: name,
    device,
    rowReduction,
    get count() {
      return count;
    },
    get lastDispatches() {
      return lastDispatches;
    },
    bytesPerParam(checkFinite = true) {
      let bytes = 0;
      let elements = 0;
      for (const t of tensors) {
        elements += t.layout.size;
        // a row read twice: the tiles of a long row (partial sums, then the update), or one invocation's row
        const rereads = t.rowSums || t.kernel === 'updateRows';
        bytes += t.layout.size * (rule.bytesPerParam + (checkFinite ? 4 : 0) + (rereads ? rule.sourceBytes : 0));
      }
      return bytes / elements;
    },
    paramBuffer: (index) => tensors[tensorIndex(index)].p,
    gradientBuffer: (index) => tensors[tensorIndex(index)].g,
    async step(grads, stepOptions = {}) {
      alive();
      if (!Array.isArray(grads) || grads.length !== params.length) {
        throw new ShapeMismatchError(
          `${name}: ${Array.isArray(grads) ? grads.length : 'no'} gradients given for ${params.length} parameters`,
        );
      }
      const checkFinite = stepOptions.checkFinite !== false;
      // 1. validate everything before anything reaches the device
      grads.forEach((g, i) => {
        const size = layouts[i].size;
        if (g instanceof Float32Array) {
          if (g.length !== size)
            throw new ShapeMismatchError(
              `${name}: gradient #${i} has ${g.length} elements, expected ${size} (shape [${layouts[i].shape}])`,
            );
          if (checkFinite)
            for (let j = 0; j < size; j++)
              if (g[j] - g[j] !== 0) throw new NonFiniteGradientError(i, params[i].name, j, g[j]);
        } else if (isGpuBuffer(g)) {
          if (g.size < size * 4)
            throw new ShapeMismatchError(
              `${name}: device gradient #${i} holds ${g.size} bytes, expected at least ${size * 4} (${size} float32s)`,
            );
          if ((g.usage & BufferUsage.STORAGE) === 0)
            throw new InvalidArgumentError(
              `grads[${i}]`,
              'GPUBuffer',
              'a device gradient needs GPUBufferUsage.STORAGE',
            );
          if (tensors.some((t) => t.p === g || t.slots.includes(g))) {
            const why = "is one of this optimizer's parameter or state buffers";
            throw new InvalidArgumentError(`grads[${i}]`, 'GPUBuffer', why);
          }
        } else {
          throw new ShapeMismatchError(`${name}: gradient #${i} must be a Float32Array or a GPUBuffer`);
        }
      });
      const t = count + 1;
      const lr = resolveLearningRate(stepOptions.lr ?? optimizer.hyper.lr, t);
      // 2. this step's scalars and host gradients: queue writes, ordered before the submit
      const f32 = new Float32Array(stepData);
      f32[0] = 1;
      new Uint32Array(stepData)[1] = t;
      f32[2] = rule.l2;
      f32[3] = rule.l2 - f32[2]; // the part of the double l2 that float32 drops
      f32.set(rule.stepValues(t, lr), 4);
      device.queue.writeBuffer(stepUniform, 0, stepData);
      const groups = grads.map((g, i) => {
        const tensor = tensors[i];
        if (g instanceof Float32Array) {
          device.queue.writeBuffer(tensor.g, 0, g);
          return tensor.bindGroup;
        }
        if (g === tensor.g) return tensor.bindGroup;
        if (tensor.foreign?.buffer !== g) tensor.foreign = { buffer: g, group: bindGroupOf(tensor, i, g) };
        return tensor.foreign!.group;
      });
      // 3. one command buffer: checks of every device gradient, long-row sums, then the updates
      const encoder = device.createCommandEncoder();
      if (clearFlags) {
        encoder.clearBuffer(flags);
        clearFlags = false;
      }
      const pass = encoder.beginComputePass();
      let dispatches = 0;
      if (checkFinite) {
        pass.setPipeline(pipelines.get('check'));
        grads.forEach((g, i) => {
          if (g instanceof Float32Array) return; // scanned on the host
          pass.setBindGroup(0, groups[i]);
          pass.dispatchWorkgroups(...tensors[i].checkGroups);
          dispatches++;
        });
      }
      if (tensors.some((x) => x.rowSums)) {
        pass.setPipeline(pipelines.get('rowPartials'));
        tensors.forEach((x, i) => {
          if (!x.rowSums) return;
          pass.setBindGroup(0, groups[i]);
          pass.dispatchWorkgroups(...x.groups);
          dispatches++;
        });
      }
      for (const kernel of ['updateFlat', 'updateRows', 'update'] as const) {
        if (!tensors.some((x) => x.kernel === kernel)) continue;
        pass.setPipeline(pipelines.get(kernel));
        tensors.forEach((x, i) => {
          if (x.kernel !== kernel) return;
          pass.setBindGroup(0, groups[i]);
          pass.dispatchWorkgroups(...x.groups);
          dispatches++;
        });
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
      lastDispatches = dispatches;
      count = t;
      if (stepOptions.waitForCheck) {
        const refusal = await readRefusal();
        if (refusal) throw refusal;
      }
    },
    async readParams() {
      alive();
      return readBack(tensors.map((x) => ({ buffer: x.p, bytes: x.layout.size * 4 })));
    },
    async readState() {
      alive();
      const values = await readBack(
        tensors.flatMap((x) => x.slots.map((b) => ({ buffer: b, bytes: x.layout.size * 4 }))),
      );
      let k = 0;
      const out: TensorState[] = layouts.map((l) => {
        const slots: Record<string, Float32Array> = {};
        for (const s of rule.slots) slots[s.name] = values[k++];
        return { shape: l.shape, outAxis: l.outAxis, step: count, slots };
      });
      return { optimizer: name, count, tensors: out };
    },
    async finish() {
      alive();
      await device.queue.onSubmittedWorkDone();
      const refusal = await readRefusal();
      if (refusal) throw refusal;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      owned.forEach((b) => b.destroy());
      if (ownDevice) device.destroy();
    },
  };
  return self;
}

type EntryPoint = 'check' | 'rowPartials' | UpdateKernel;

/** One module's bind group layout and its pipelines, each compiled on first request. */
interface Pipelines {
  readonly layout: unknown;
  get(entryPoint: EntryPoint): unknown;
}

/** Compiled pipelines per device and shader text: optimizers that differ only in hyper-parameters share them. */
const compiled = new WeakMap<GpuDevice, Map<string, Pipelines>>();

function makePipelines(device: GpuDevice, rule: WgslRule): Pipelines {
  const code = wgslModule(rule);
  const cache = compiled.get(device) ?? new Map<string, Pipelines>();
  compiled.set(device, cache);
  const known = cache.get(code);
  if (known) return known;
  const COMPUTE = 0x4;
  const buffer = (binding: number, type: 'uniform' | 'storage' | 'read-only-storage') => ({
    binding,
    visibility: COMPUTE,
    buffer: { type },
  });
  const layout = device.createBindGroupLayout({
    entries: [
      buffer(BINDING.tensor, 'uniform'),
      buffer(BINDING.step, 'uniform'),
      buffer(BINDING.flags, 'storage'),
      buffer(BINDING.g, 'read-only-storage'),
      buffer(BINDING.p, 'storage'),
      buffer(BINDING.rowSums, 'storage'),
      ...rule.slots.map((_, k) => buffer(BINDING.firstSlot + k, 'storage')),
    ],
  });
  const module = device.createShaderModule({ code, label: `${rule.optimizer} WGSL` });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const compiledEntries = new Map<EntryPoint, unknown>();
  const made: Pipelines = {
    layout,
    get(entryPoint) {
      let p = compiledEntries.get(entryPoint);
      if (!p) {
        // compiling is slow on software adapters: only the entry points some tensor uses
        p = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint } });
        compiledEntries.set(entryPoint, p);
      }
      return p;
    },
  };
  cache.set(code, made);
  return made;
}
