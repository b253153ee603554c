import type { Optimizer, OptimizerState } from '../optimizers/types.js';
import type { DeviceBackend } from './backendMode.js';
import type { DeviceValue } from './deviceValues.js';
import type { Packing } from './slabLayout.js';
import type { WarningHandler } from '../warnings.js';

/** A parameter handed to a device optimizer: float32 data (copied at creation) and its layout. */
export interface DeviceParam {
  readonly name?: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Output-channel axis (default 0, PyTorch layout; -1 for tfjs). */
  readonly outAxis?: number;
  /** false: never centralized. */
  readonly gc?: boolean;
}

/**
 * One tensor's gradient for a step: a Float32Array (row-major, the parameter's layout, uploaded by
 * the step), or a gpu.js result already on the device (pipeline output of another kernel of the
 * same mode) shaped as `deviceShape(i)` — see `DeviceOptimizer.deviceShape`.
 */
export type DeviceGradient = Float32Array | DeviceValue;

/** Options of one device step. */
export interface DeviceStepOptions {
  /** This step's learning rate (default: the optimizer's lr or schedule). */
  lr?: number;
  /**
   * Reject NaN/±Inf in Float32Array gradients before anything changes (default true). Device gradients are
   * not scanned.
   */
  checkFinite?: boolean;
}

/**
 * An optimizer whose parameters and state stay where the backend computes (GPU memory for the
 * gpu.js GPU modes): uploaded once at creation, updated by every `step`, read back only when asked.
 * Every tensor steps every step (a gradient per parameter is required).
 */
export interface DeviceOptimizer {
  readonly backend: DeviceBackend;
  /** The core optimizer's name, e.g. `Adam_GC2`. */
  readonly optimizer: string;
  /** Completed steps. */
  readonly count: number;
  /**
   * Compute dispatches (gpu.js kernel calls) per step, a measure of batching; 0 for `js`. A step with
   * Float32Array gradients adds one upload per packed array.
   */
  readonly dispatchesPerStep: number;
  step(grads: readonly DeviceGradient[], options?: DeviceStepOptions): Promise<void>;
  /**
   * The device arrays the tensors are packed into (see `packing`): each slab's gpu.js output size
   * `[width, rows]` and which rows hold which tensor (a `transposed` tensor is stored channel-major).
   */
  readonly slabs: readonly SlabInfo[];
  /**
   * A step with one device gradient per slab, already in the packed layout (for backward kernels
   * that write the packed gradient directly): every tensor steps with a single dispatch set per slab.
   * Device gradients are not scanned for NaN/Inf.
   */
  stepSlabs(grads: readonly DeviceValue[], options?: DeviceStepOptions): Promise<void>;
  /** The parameters, row-major in their own layouts (fresh arrays). */
  readParams(): Promise<Float32Array[]>;
  /** The whole state in the core's format (the same as `optimizer.init` / `stepInPlace` keep). */
  readState(): Promise<OptimizerState>;
  /**
   * The gpu.js output size `[width, rows]` a device gradient of tensor `index` must have, or
   * null where a device gradient cannot be taken (tensor shares its slab: use `packing: 'per-tensor'`).
   */
  deviceShape(index: number): [number, number] | null;
  /**
   * The modes the compiled kernels actually run on (gpu.js degrades a kernel it cannot compile for
   * a mode to \`cpu\`, with a console warning): \`[backend]\` when nothing fell back.
   */
  kernelModes(): string[];
  /** Waits until the device has finished every step submitted so far. */
  finish(): Promise<void>;
  /** Releases the device arrays and destroys the kernels now (not on a later tick); the optimizer is unusable after. */
  dispose(): void;
}

/** One slab: a device array holding the rows of every tensor of one row width. */
export interface SlabInfo {
  /** gpu.js output size `[width, rows]`. */
  readonly shape: [number, number];
  readonly tensors: readonly { index: number; rowOffset: number; rows: number; transposed: boolean }[];
}

/** Options of `createDeviceOptimizer`: where to compute, how to pack tensors, state to resume from. */
export interface DeviceOptimizerOptions {
  /** Where to compute (see `chooseBackend`). */
  backend: DeviceBackend;
  /**
   * `'by-width'` (default): tensors of one row width share device arrays, so a step dispatches a few
   * kernels for the whole model; `'per-tensor'`: one set of arrays per tensor, so gradients produced
   * by other gpu.js kernels can be passed in without a copy.
   */
  packing?: Packing;
  /**
   * Most elements one device array (slab) may hold. Default: for webgpu the adapter's
   * maxStorageBufferBindingSize / 4, elsewhere unlimited.
   */
  maxSlabElements?: number;
  /**
   * Resume from this state (the core's format: `readState()` of a device optimizer, or the state of
   * the same core optimizer) instead of a fresh one. Every tensor must be at the state's step count.
   */
  state?: OptimizerState;
  /** Receives warnings (fan-in-1 tensors that GC zeroes) instead of the process-wide handler. */
  onWarning?: WarningHandler;
}

export type DeviceOptimizerFactory = (
  optimizer: Optimizer,
  params: readonly DeviceParam[],
  options: DeviceOptimizerOptions,
) => Promise<DeviceOptimizer>;
