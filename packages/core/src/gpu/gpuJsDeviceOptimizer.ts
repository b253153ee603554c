import { InvalidArgumentError, NonFiniteGradientError, ShapeMismatchError } from '../errors.js';
import { resolveLearningRate } from '../optimizers/recipeOptimizer.js';
import type { Optimizer, OptimizerState, TensorState } from '../optimizers/types.js';
import { layoutOf } from '../tensor/layout.js';
import { emitWarning, notFusedWarning, zeroedGradientWarning, type WarningHandler } from '../warnings.js';
import { isGlMode, type GpuJsMode } from './backendMode.js';
import type { DeviceGradient, DeviceOptimizer, DeviceParam, DeviceStepOptions } from './deviceOptimizer.js';
import { outputOf, readFlat, release, type DeviceValue } from './deviceValues.js';
import { planSlots, type FusedPlan } from '../plan/fusedPlan.js';
import { gpuJsPlan } from './gpuJsPlan.js';
import { typedArrayDeviceOptimizer } from './typedArrayDeviceOptimizer.js';
import * as K from './kernels.js';
import { loadGpuJs, provideNavigatorGpu, type GpuJsGpu, type GpuJsKernel, type GpuJsModule } from './loadGpuJs.js';
import { packInto, planSlabs, unpackFrom, type Packing, type Slab } from './slabLayout.js';
import { checkResumeState } from './resumeState.js';
import { destroyGpuJs } from './destroyGpuJs.js';
import { compiledMode } from './compiledMode.js';
import { compilableSource } from './compilableSource.js';

/** The kernels' helper functions, safe for gpu.js after minification (see compilableSource). */
const COMPILABLE_FUNCTIONS = K.KERNEL_FUNCTIONS.map((f) => compilableSource(f));

/** GL backends address texels with float coordinates: exact only below 2^24 elements. */
const GL_MAX_ELEMENTS = 2 ** 24;

type Kernel = (...args: unknown[]) => unknown;

interface GpuJsOptions {
  packing: Packing;
  maxSlabElements?: number;
  onWarning?: WarningHandler;
  state?: OptimizerState;
}

/** A slab's kernels (fixed output sizes, compiled on first use) and its device-resident arrays. */
interface SlabOnDevice {
  readonly slab: Slab;
  readonly kernels: Map<string, Kernel>;
  p: DeviceValue;
  slots: Record<string, DeviceValue>;
  zeroMeans: DeviceValue;
}

/** The `gpu.js` backends: fused GC + update kernels over device-resident slabs. */
export async function gpuJsDeviceOptimizer(
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  mode: GpuJsMode,
  { packing, maxSlabElements, onWarning, state: resume }: GpuJsOptions,
): Promise<DeviceOptimizer> {
  const { plan: recipe, transform, reason } = gpuJsPlan(optimizer.recipe);
  if (!recipe) {
    // the core's recipe behind the same interface (backend 'js'), and one warning naming the transform
    emitWarning(notFusedWarning(`gpu.js ${mode}`, optimizer.name, transform, reason), onWarning);
    return typedArrayDeviceOptimizer(optimizer, params, resume);
  }
  const gpuJs = await loadGpuJs();
  if (mode === 'webgpu') {
    const missing = await provideNavigatorGpu();
    if (missing) throw new Error(`webgpu backend unavailable: ${missing}`);
    maxSlabElements ??= await webGpuMaxElements();
  }
  const layouts = params.map((p, i) => layoutOf(p.shape, p.outAxis ?? 0, `params[${i}] shape`));
  params.forEach((p, i) => {
    if (!(p.data instanceof Float32Array) || p.data.length !== layouts[i].size) {
      throw new InvalidArgumentError(
        `params[${i}].data`,
        p.data?.length,
        `must be a Float32Array of ${layouts[i].size} elements (shape [${p.shape}])`,
      );
    }
    if (isGlMode(mode) && layouts[i].size > GL_MAX_ELEMENTS) {
      throw new InvalidArgumentError(
        `params[${i}]`,
        p.shape,
        `${mode} addresses textures in float32: tensors over 2^24 elements are not exact there; use webgpu`,
      );
    }
  });
  // packed arrays must stay exactly addressable too
  if (isGlMode(mode)) maxSlabElements = Math.min(maxSlabElements ?? Infinity, GL_MAX_ELEMENTS);
  if (resume) checkResumeState(optimizer.name, layouts, planSlots(recipe), resume);
  const gcEnabled = params.map((p) => p.gc !== false);
  const gcRule = recipe.family === 'adam' && recipe.gradientRule === 'none' ? recipe.updateRule : recipe.gradientRule;
  const slabs = planSlabs(layouts, gcEnabled, gcRule, packing, maxSlabElements);
  for (const s of slabs) {
    for (const t of s.tensors) {
      if (t.centred && t.layout.fanIn === 1)
        emitWarning(zeroedGradientWarning(t.layout.shape, t.layout.outAxis, t.index, params[t.index].name), onWarning);
    }
  }
  const gpu = new gpuJs.GPU({ mode });
  const kernels = new SlabKernels(gpuJs, gpu, recipe, mode);
  const onDevice: SlabOnDevice[] = [];
  try {
    for (const slab of slabs) {
      const host = new Float32Array(slab.width * slab.rows);
      for (const t of slab.tensors) packInto(host, slab, t, params[t.index].data);
      const s = await kernels.upload(slab, host);
      onDevice.push(s);
      if (resume) {
        // the saved state replaces the fresh one
        for (const slot of planSlots(recipe)) {
          const saved = new Float32Array(slab.width * slab.rows);
          for (const t of slab.tensors) packInto(saved, slab, t, resume.tensors[t.index].slots[slot]);
          release(s.slots[slot]);
          s.slots[slot] = await kernels.uploadRows(s, saved);
        }
      }
    }
  } catch (e) {
    onDevice.forEach((s) => kernels.releaseSlab(s));
    destroyGpuJs(gpu, mode);
    throw e;
  }
  let count = resume ? resume.count : 0;
  let disposed = false;
  const name = optimizer.name;
  const dispatchesPerStep = slabs.reduce((n, s) => n + kernels.dispatchesPerStep(s), 0);

  /** Runs one step over every slab; a failed step leaves every old value in place (nothing changed). */
  async function runStep(
    options: DeviceStepOptions,
    gradientOf: (s: SlabOnDevice, i: number) => Promise<{ g: DeviceValue; owned: boolean }>,
  ) {
    const t = count + 1;
    const lr = resolveLearningRate(options.lr ?? optimizer.hyper.lr, t);
    const results: { s: SlabOnDevice; p: DeviceValue; slots: Record<string, DeviceValue> }[] = [];
    try {
      for (let i = 0; i < onDevice.length; i++) {
        const s = onDevice[i];
        const { g, owned } = await gradientOf(s, i);
        try {
          results.push({ s, ...(await kernels.step(s, g, t, lr)) });
        } finally {
          if (owned) release(g);
        }
      }
    } catch (e) {
      for (const r of results) {
        release(r.p);
        Object.values(r.slots).forEach(release);
      }
      throw e;
    }
    for (const r of results) {
      release(r.s.p);
      Object.values(r.s.slots).forEach(release);
      r.s.p = r.p;
      r.s.slots = r.slots;
    }
    count = t;
  }

  const self: DeviceOptimizer = {
    backend: mode,
    optimizer: name,
    get count() {
      return count;
    },
    dispatchesPerStep,
    async step(grads: readonly DeviceGradient[], options: DeviceStepOptions = {}) {
      if (disposed) throw new Error(`${name}: this device optimizer was disposed`);
      if (!Array.isArray(grads) || grads.length !== params.length) {
        throw new ShapeMismatchError(
          `${name}: ${Array.isArray(grads) ? grads.length : 'no'} gradients given for ${params.length} parameters`,
        );
      }
      // 1. validate everything before any kernel runs
      grads.forEach((g, i) => {
        const size = layouts[i].size;
        if (g === null || g === undefined)
          throw new ShapeMismatchError(`${name}: gradient #${i} is missing (device optimizers step every tensor)`);
        if (g instanceof Float32Array) {
          if (g.length !== size)
            throw new ShapeMismatchError(
              `${name}: gradient #${i} has ${g.length} elements, expected ${size} (shape [${layouts[i].shape}])`,
            );
          if (options.checkFinite !== false) {
            for (let j = 0; j < g.length; j++)
              if (g[j] - g[j] !== 0) throw new NonFiniteGradientError(i, params[i].name, j, g[j]);
          }
        } else if (ArrayBuffer.isView(g)) {
          throw new ShapeMismatchError(`${name}: gradient #${i} must be a Float32Array or a gpu.js device result`);
        } else {
          const shape = self.deviceShape(i);
          if (!shape)
            throw new ShapeMismatchError(
              `${name}: gradient #${i} is a device result but its tensor shares device arrays with others; ` +
                "create the optimizer with packing: 'per-tensor'",
            );
          const out = outputOf(g);
          if (out && (out[0] !== shape[0] || (out[1] ?? 1) !== shape[1])) {
            throw new ShapeMismatchError(`${name}: device gradient #${i} has output [${out}], expected [${shape}]`);
          }
        }
      });
      await runStep(options, async (s) => {
        const only = s.slab.tensors.length === 1 ? s.slab.tensors[0] : null;
        if (only && !(grads[only.index] instanceof Float32Array)) return { g: grads[only.index], owned: false };
        const host = new Float32Array(s.slab.width * s.slab.rows);
        for (const tp of s.slab.tensors) packInto(host, s.slab, tp, grads[tp.index] as Float32Array);
        return { g: await kernels.uploadGradient(s, host), owned: true };
      });
    },
    async stepSlabs(grads: readonly DeviceValue[], options: DeviceStepOptions = {}) {
      if (disposed) throw new Error(`${name}: this device optimizer was disposed`);
      if (!Array.isArray(grads) || grads.length !== onDevice.length) {
        throw new ShapeMismatchError(
          `${name}: ${Array.isArray(grads) ? grads.length : 'no'} slab gradients given for ${onDevice.length} slabs`,
        );
      }
      grads.forEach((g, i) => {
        const { width, rows } = onDevice[i].slab;
        if (g === null || g === undefined || ArrayBuffer.isView(g))
          throw new ShapeMismatchError(`${name}: slab gradient #${i} must be a gpu.js device result`);
        const out = outputOf(g);
        if (out && (out[0] !== width || (out[1] ?? 1) !== rows))
          throw new ShapeMismatchError(
            `${name}: slab gradient #${i} has output [${out}], expected [${width}, ${rows}]`,
          );
      });
      await runStep(options, async (_s, i) => ({ g: grads[i], owned: false }));
    },
    async readParams() {
      const out: Float32Array[] = new Array(params.length);
      for (const s of onDevice) {
        const flat = await readFlat(s.p, s.slab.width * s.slab.rows);
        for (const tp of s.slab.tensors) out[tp.index] = unpackFrom(flat, s.slab, tp);
      }
      return out;
    },
    async readState(): Promise<OptimizerState> {
      const tensors: TensorState[] = layouts.map((l) => ({
        shape: l.shape,
        outAxis: l.outAxis,
        step: count,
        slots: {},
      }));
      for (const s of onDevice) {
        for (const slot of planSlots(recipe)) {
          const flat = await readFlat(s.slots[slot], s.slab.width * s.slab.rows);
          for (const tp of s.slab.tensors) tensors[tp.index].slots[slot] = unpackFrom(flat, s.slab, tp);
        }
      }
      return { optimizer: name, count, tensors };
    },
    slabs: slabs.map((sl) => ({
      shape: [sl.width, sl.rows] as [number, number],
      tensors: sl.tensors.map((tp) => ({
        index: tp.index,
        rowOffset: tp.rowOffset,
        rows: tp.rows,
        transposed: tp.transposed,
      })),
    })),
    deviceShape(index: number) {
      for (const s of slabs) {
        const tp = s.tensors.find((x) => x.index === index);
        if (tp) return s.tensors.length === 1 ? [s.width, s.rows] : null;
      }
      throw new InvalidArgumentError('index', index, `must name one of the ${params.length} parameters`);
    },
    kernelModes() {
      const modes = new Set<string>();
      for (const s of onDevice) for (const k of s.kernels.values()) modes.add(compiledMode(k as GpuJsKernel, gpuJs));
      return [...modes].sort();
    },
    async finish() {
      // a readback of one value waits for every submitted dispatch (queues run in order)
      if (onDevice.length > 0) await kernels.touch(onDevice[0]);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      onDevice.forEach((s) => kernels.releaseSlab(s));
      destroyGpuJs(gpu, mode);
    },
  };
  return self;
}

/** A GL mode's reused kernel whose every result is a texture handle of its own (see `SlabKernels.kernel`). */
function ownedResults(made: GpuJsKernel): Kernel {
  const owned = (...args: unknown[]) => (made(...args) as { clone(): DeviceValue }).clone();
  // `kernel` is read live: gpu.js may replace a kernel's implementation on its first run
  return Object.defineProperty(owned, 'kernel', { get: () => made.kernel });
}

/** Floats one storage binding of the WebGPU adapter gpu.js will use can hold. */
async function webGpuMaxElements(): Promise<number> {
  const gpu = (
    globalThis as unknown as {
      navigator: { gpu: { requestAdapter(): Promise<{ limits: Record<string, number> } | null> } };
    }
  ).navigator.gpu;
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('webgpu backend unavailable: navigator.gpu.requestAdapter() returned no adapter');
  return Math.floor(Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize) / 4);
}

/** Compiles and runs the kernels of one fused plan over slabs. */
class SlabKernels {
  constructor(
    private readonly gpuJs: GpuJsModule,
    private readonly gpu: GpuJsGpu,
    private readonly recipe: FusedPlan,
    private readonly mode: GpuJsMode,
  ) {}

  /**
   * The kernel `key` of a slab. `reuse`: the kernel writes the same output array on every call
   * (gpu.js `immutable: false`) — no allocation and no zero-fill per step. Used for per-step values:
   * intermediates consumed within the step, and the new state, which alternates between two kernels
   * by step parity (`stateKernel`) so that no kernel overwrites the state it reads. One-time values
   * (the initial upload and state) get arrays of their own.
   *
   * Every result is the caller's to `release`. gpu.js's WebGPU results are handles that count
   * references to the kernel's buffer; its GL modes hand out the kernel's own output texture, whose
   * `delete()` would free the texture the kernel renders into next. So in GL modes each result of a
   * reused kernel is `clone()`d: a handle of its own (gpu.js counts the texture's references and,
   * while a clone is alive, renders the next call into a fresh texture).
   */
  private kernel(
    s: SlabOnDevice,
    key: string,
    fn: (...args: never[]) => number,
    output: number[],
    constants: Record<string, unknown> = {},
    reuse = false,
  ): Kernel {
    let k = s.kernels.get(key);
    if (!k) {
      const made: GpuJsKernel = this.gpu.createKernel(compilableSource(fn), {
        output,
        // WIDE: gpu.js's cpu mode computes in float64 and must round where float32 modes do
        constants: { WIDE: this.mode === 'cpu' ? 1 : 0, ...constants },
        pipeline: true,
        immutable: !reuse,
        precision: 'single',
        tactic: 'precision',
        functions: COMPILABLE_FUNCTIONS,
      });
      k = reuse && isGlMode(this.mode) ? ownedResults(made) : (made as Kernel);
      s.kernels.set(key, k);
    }
    return k;
  }

  /** A state-producing kernel of step t: one of two, by parity (ping-pong between their outputs). */
  private stateKernel(
    s: SlabOnDevice,
    key: string,
    t: number,
    fn: (...args: never[]) => number,
    constants: Record<string, unknown> = {},
  ): Kernel {
    return this.kernel(s, `${key}@${t % 2}`, fn, this.rows(s), constants, true);
  }

  private rows(s: SlabOnDevice): number[] {
    return [s.slab.width, s.slab.rows];
  }

  async upload(slab: Slab, host: Float32Array): Promise<SlabOnDevice> {
    const s: SlabOnDevice = { slab, kernels: new Map(), p: null, slots: {}, zeroMeans: null };
    s.p = await this.uploadRows(s, host);
    s.zeroMeans = await this.kernel(s, 'zeroMeans', K.fillRows, [3, slab.rows])(0);
    const init = (value: number) => this.kernel(s, `fill`, K.fillRows, this.rows(s))(value);
    const r = this.recipe;
    for (const slot of planSlots(r)) {
      s.slots[slot] = await init(r.family === 'adagrad' ? r.initialAccumulatorValue : 0);
    }
    return s;
  }

  /** A one-time upload (parameters, saved state): an array of its own. */
  async uploadRows(s: SlabOnDevice, host: Float32Array): Promise<DeviceValue> {
    return this.kernel(s, 'copyRows', K.copyRows, this.rows(s))(this.gpuJs.input(host, this.rows(s)));
  }

  /** This step's gradient: rewritten in place every step. */
  async uploadGradient(s: SlabOnDevice, host: Float32Array): Promise<DeviceValue> {
    return this.kernel(s, 'uploadGradient', K.copyRows, this.rows(s), {}, true)(this.gpuJs.input(host, this.rows(s)));
  }

  async touch(s: SlabOnDevice): Promise<void> {
    const k = this.kernel(s, 'touch', K.copyRows, [1, 1]);
    const v = await k(s.p);
    await readFlat(v, 1);
    release(v);
  }

  dispatchesPerStep(slab: Slab): number {
    const r = this.recipe;
    const gc = slab.anyCentred ? 2 : 0;
    if (r.family === 'sgd') return gc + (r.momentum !== 0 ? 1 : 0) + 1;
    if (r.family === 'adagrad') return gc + 2;
    return gc + 2 + (r.amsgrad ? 1 : 0) + 1;
  }

  /**
   * Row means (`[3, rows]`: shift, dh, dl) of the GC'd value (SOURCE 0: g + l2·p; 1: Adam's direction), or
   * the zero means.
   */
  private async means(
    s: SlabOnDevice,
    source: 0 | 1,
    a: DeviceValue,
    b: DeviceValue,
    c: DeviceValue,
    s1: number,
    s2: number,
    s3: number,
  ): Promise<DeviceValue> {
    if (!s.slab.anyCentred) return s.zeroMeans;
    const W = s.slab.width;
    const chunks = Math.max(1, Math.min(W, Math.ceil(Math.sqrt(W))));
    const CH = Math.ceil(W / chunks);
    const constants = { W, K: chunks, CH, SOURCE: source };
    const partialsK = this.kernel(s, `partials${source}`, K.rowPartialSums, [chunks, s.slab.rows, 2], constants, true);
    const meansK = this.kernel(
      s,
      `means${source}`,
      K.rowMeans,
      [3, s.slab.rows],
      { ...constants, gcRows: s.slab.gcRows },
      true,
    );
    const partials = await partialsK(a, b, c, s1, s2, s3, 1);
    try {
      return await meansK(partials, a, b, c, s1, s2, s3, 1);
    } finally {
      release(partials);
    }
  }

  /**
   * One step of the recipe on one slab; returns the new parameter and state values (each kernel's last
   * argument is `one`, see kernels.ts).
   */
  async step(
    s: SlabOnDevice,
    g: DeviceValue,
    t: number,
    lr: number,
  ): Promise<{ p: DeviceValue; slots: Record<string, DeviceValue> }> {
    const r = this.recipe;
    const made: DeviceValue[] = [];
    const keep = async (v: unknown) => {
      const value = await v;
      made.push(value);
      return value;
    };
    let gradMeans: DeviceValue = s.zeroMeans;
    const gcOnGradient = r.family !== 'adam' || r.updateRule === 'none';
    const onGradient = { ZERO_CENTRED: s.slab.centredToZero && gcOnGradient ? 1 : 0 };
    const onUpdate = { ZERO_CENTRED: s.slab.centredToZero && !gcOnGradient ? 1 : 0 };
    try {
      if (gcOnGradient) gradMeans = await this.means(s, 0, g, g, s.p, r.coupledDecay, 0, 0);
      if (r.family === 'sgd') {
        const momentum = r.momentum !== 0;
        const constants = { MOMENTUM: momentum ? 1 : 0, NESTEROV: r.nesterov ? 1 : 0, ...onGradient };
        let buf: DeviceValue = s.zeroMeans;
        const slots: Record<string, DeviceValue> = {};
        if (momentum) {
          const bufK = this.stateKernel(s, 'sgdMomentumBuffer', t, K.sgdMomentumBuffer, onGradient);
          buf = slots.momentum_buffer = await keep(
            bufK(
              s.slots.momentum_buffer,
              g,
              s.p,
              gradMeans,
              r.coupledDecay,
              r.momentum,
              1 - r.dampening,
              t === 1 ? 1 : 0,
              1,
            ),
          );
        }
        // without momentum the kernel never reads `buf`; any array of the right kind fills the slot
        const pK = this.stateKernel(s, 'sgdParam', t, K.sgdParam, constants);
        const p = await keep(
          pK(s.p, momentum ? buf : g, g, gradMeans, lr, r.coupledDecay, r.momentum, r.decoupledDecay * lr, 1),
        );
        return { p, slots };
      }
      if (r.family === 'adagrad') {
        const sumK = this.stateKernel(s, 'adagradSum', t, K.adagradSum, onGradient);
        const sum = await keep(sumK(s.slots.sum, g, s.p, gradMeans, r.coupledDecay, 1));
        const clr = (1 / (1 + (t - 1) * r.lrDecay)) * lr;
        const p = await keep(
          this.stateKernel(s, 'adagradParam', t, K.adagradParam, onGradient)(
            s.p,
            sum,
            g,
            gradMeans,
            clr,
            r.coupledDecay,
            r.eps,
            1,
          ),
        );
        return { p, slots: { sum } };
      }
      const bc1 = 1 - r.beta1 ** t;
      const bc2 = 1 - r.beta2 ** t;
      const biasCorrectedEps = r.epsPlacement === 'bias-corrected-eps';
      const sqrtBc2 = biasCorrectedEps ? Math.sqrt(bc2) : 1;
      const scale = (biasCorrectedEps ? 1 / bc1 : Math.sqrt(bc2) / bc1) * lr;
      const m = await keep(
        this.stateKernel(s, 'adamFirstMoment', t, K.adamFirstMoment, onGradient)(
          s.slots.exp_avg,
          g,
          s.p,
          gradMeans,
          r.beta1,
          1 - r.beta1,
          r.coupledDecay,
          1,
        ),
      );
      const v = await keep(
        this.stateKernel(s, 'adamSecondMoment', t, K.adamSecondMoment, onGradient)(
          s.slots.exp_avg_sq,
          g,
          s.p,
          gradMeans,
          r.beta2,
          1 - r.beta2,
          r.coupledDecay,
          1,
        ),
      );
      const slots: Record<string, DeviceValue> = { exp_avg: m, exp_avg_sq: v };
      let vhat = v;
      if (r.amsgrad)
        vhat = slots.max_exp_avg_sq = await keep(
          this.stateKernel(s, 'runningMax', t, K.runningMax)(s.slots.max_exp_avg_sq, v),
        );
      const updateMeans = !gcOnGradient
        ? await this.means(s, 1, m, vhat, s.p, sqrtBc2, r.eps, r.decayAfterDirection)
        : s.zeroMeans;
      try {
        const p = await keep(
          this.stateKernel(s, 'adamParam', t, K.adamParam, onUpdate)(
            s.p,
            m,
            vhat,
            updateMeans,
            scale,
            sqrtBc2,
            r.eps,
            r.decayAfterDirection,
            1,
          ),
        );
        return { p, slots };
      } finally {
        if (updateMeans !== s.zeroMeans) release(updateMeans);
      }
    } catch (e) {
      made.forEach(release);
      throw e;
    } finally {
      if (gradMeans !== s.zeroMeans) release(gradMeans);
    }
  }

  releaseSlab(s: SlabOnDevice): void {
    release(s.p);
    Object.values(s.slots).forEach(release);
    release(s.zeroMeans);
  }
}
