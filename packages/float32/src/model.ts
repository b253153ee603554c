import { InvalidArgumentError, layoutOf, type Layout } from '@gcopt/core';

/** One parameter tensor of a model: a name, a row-major shape and its values. */
export interface Float32Param {
  /** Unique within the model; gradients, groups, errors and checkpoints refer to it. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The values, row-major; the optimizer updates this very array in place. */
  readonly data: Float32Array;
  /** Output-channel axis for GC (default 0: PyTorch/ONNX `[out, in, …]`; -1: tfjs `[…, in, out]`). */
  readonly outAxis?: number;
  /** false excludes this tensor from gradient centralization (default true). */
  readonly gc?: boolean;
}

/** A model: a list of parameters, or a record of them by name. */
export type ModelInput = readonly Float32Param[] | Readonly<Record<string, Omit<Float32Param, 'name'>>>;

/** A validated parameter, with its layout resolved. */
export interface ModelEntry {
  readonly index: number;
  readonly name: string;
  readonly data: Float32Array;
  readonly layout: Layout;
  /** Per-parameter settings as given (undefined = let the group or the default decide). */
  readonly gc: boolean | undefined;
  readonly outAxis: number | undefined;
}

/** Checks a model description and lists its parameters in order. Throws naming the bad parameter. */
export function readModel(model: ModelInput): ModelEntry[] {
  if (model === null || typeof model !== 'object') {
    throw new InvalidArgumentError(
      'model',
      model,
      'a model is an array of { name, shape, data } or a record of { shape, data } by name',
    );
  }
  const list: Float32Param[] = Array.isArray(model)
    ? [...(model as readonly Float32Param[])]
    : Object.entries(model as Record<string, Omit<Float32Param, 'name'>>).map(([name, p]) => ({ ...p, name }));
  const seen = new Set<string>();
  const entries = list.map((p, index): ModelEntry => {
    const where = `model[${index}]`;
    if (p === null || typeof p !== 'object')
      throw new InvalidArgumentError(where, p, 'a parameter is { name, shape, data }');
    if (typeof p.name !== 'string' || p.name === '')
      throw new InvalidArgumentError(`${where}.name`, p.name, 'a parameter needs a non-empty name');
    const label = `parameter '${p.name}'`;
    if (seen.has(p.name)) throw new InvalidArgumentError(`${label}.name`, p.name, 'parameter names must be unique');
    seen.add(p.name);
    if (!(p.data instanceof Float32Array)) {
      throw new InvalidArgumentError(`${label}.data`, describe(p.data), 'data must be a Float32Array');
    }
    if (p.gc !== undefined && typeof p.gc !== 'boolean')
      throw new InvalidArgumentError(`${label}.gc`, p.gc, 'gc must be true or false');
    if (p.outAxis !== undefined && !Number.isInteger(p.outAxis)) {
      throw new InvalidArgumentError(`${label}.outAxis`, p.outAxis, 'outAxis must be an integer');
    }
    const layout = layoutOf(Array.isArray(p.shape) ? p.shape : (p.shape as never), p.outAxis ?? 0, `${label}.shape`);
    if (layout.size !== p.data.length) {
      throw new InvalidArgumentError(
        `${label}.data`,
        `Float32Array(${p.data.length})`,
        `shape [${layout.shape}] needs ${layout.size} elements`,
      );
    }
    return { index, name: p.name, data: p.data, layout, gc: p.gc, outAxis: p.outAxis };
  });
  rejectOverlaps(entries);
  return entries;
}

/** Two parameters over the same memory would be updated twice per step (tied weights need one entry). */
function rejectOverlaps(entries: readonly ModelEntry[]): void {
  const byBuffer = new Map<ArrayBufferLike, ModelEntry[]>();
  for (const e of entries) {
    const list = byBuffer.get(e.data.buffer) ?? [];
    for (const other of list) {
      const a0 = e.data.byteOffset;
      const a1 = a0 + e.data.byteLength;
      const b0 = other.data.byteOffset;
      const b1 = b0 + other.data.byteLength;
      if (a0 < b1 && b0 < a1) {
        throw new InvalidArgumentError(
          `parameter '${e.name}'.data`,
          'shared memory',
          `overlaps the data of parameter '${other.name}'; a tied weight must be listed once`,
        );
      }
    }
    list.push(e);
    byBuffer.set(e.data.buffer, list);
  }
}

export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (ArrayBuffer.isView(x))
    return `${x.constructor.name}(${(x as unknown as { length?: number }).length ?? x.byteLength})`;
  if (Array.isArray(x)) return `Array(${x.length})`;
  return typeof x;
}
