import { gcApplies, type GcRule } from '../centralize/gcRule.js';
import type { Layout } from '../tensor/layout.js';

/**
 * How tensors sit on the device. Each tensor becomes rows of one width — a GC-centred tensor one
 * row per output channel (channel-major; a channels-last tfjs kernel is transposed on upload), a
 * rank-≤1 tensor one row — and tensors of the same width share a *slab*: one 2-D device array
 * `[rows][width]` that every kernel processes in one dispatch. The row structure is kept, so GC
 * still centres each channel; a per-row flag says which rows GC applies to.
 */
export interface Placement {
  readonly index: number;
  readonly layout: Layout;
  /** GC centres this tensor's rows. */
  readonly centred: boolean;
  /** Stored channel-major although the tensor's output axis is not the first one. */
  readonly transposed: boolean;
  readonly width: number;
  readonly rows: number;
  /** First row of this tensor in its slab. */
  readonly rowOffset: number;
}

export interface Slab {
  readonly width: number;
  readonly rows: number;
  readonly tensors: readonly Placement[];
  /** 1 for rows GC centres, 0 otherwise. */
  readonly gcRows: Float32Array;
  readonly anyCentred: boolean;
  /**
   * Every row is a centred channel of one element (fan-in 1): GC makes these values exactly zero.
   * Kept in slabs of their own so kernels can write that zero instead of `x − mean(x)`, which is
   * only zero when both sides round alike (not so in gpu.js's float64 \`cpu\` mode).
   */
  readonly centredToZero: boolean;
}

/** How tensors share device arrays: all tensors of one row width in one slab, or one array set per tensor. */
export type Packing = 'by-width' | 'per-tensor';

/**
 * Groups tensors into slabs. A slab holds at most `maxSlabElements` elements (a WebGPU device binds
 * at most maxStorageBufferBindingSize bytes per array); a tensor larger than that gets its own.
 */
export function planSlabs(
  layouts: readonly Layout[],
  gcEnabled: readonly boolean[],
  rule: GcRule,
  packing: Packing,
  maxSlabElements = Infinity,
): Slab[] {
  const groups = new Map<string, Omit<Placement, 'rowOffset'>[]>();
  const filling = new Map<string, { key: string; elements: number }>();
  layouts.forEach((layout, index) => {
    const centred = gcEnabled[index] && gcApplies(layout.rank, rule);
    const rowsOfChannels = layout.rank >= 2;
    const width = rowsOfChannels ? layout.fanIn : layout.size;
    const rows = rowsOfChannels ? layout.channels : 1;
    const kind = packing === 'per-tensor' ? `t${index}` : centred && width === 1 ? 'zero' : `w${width}`;
    // the slab of this kind being filled, or a new one when this tensor would overflow it
    let current = filling.get(kind);
    if (!current || current.elements + layout.size > maxSlabElements) {
      current = { key: `${kind}#${groups.size}`, elements: 0 };
      filling.set(kind, current);
    }
    current.elements += layout.size;
    const key = current.key;
    const group = groups.get(key) ?? [];
    group.push({ index, layout, centred, transposed: centred && layout.outer > 1, width, rows });
    groups.set(key, group);
  });
  return [...groups.values()].map((group) => {
    let rowOffset = 0;
    const tensors = group.map((t) => {
      const placed = { ...t, rowOffset };
      rowOffset += t.rows;
      return placed;
    });
    const gcRows = new Float32Array(rowOffset);
    for (const t of tensors) if (t.centred) gcRows.fill(1, t.rowOffset, t.rowOffset + t.rows);
    const anyCentred = tensors.some((t) => t.centred);
    const centredToZero = group[0].width === 1 && tensors.every((t) => t.centred);
    return { width: group[0].width, rows: rowOffset, tensors, gcRows, anyCentred, centredToZero };
  });
}

/** Writes one tensor (row-major, its own layout) into its rows of a slab buffer. */
export function packInto(slabData: Float32Array, slab: Slab, t: Placement, data: ArrayLike<number>): void {
  const base = t.rowOffset * slab.width;
  if (!t.transposed) {
    for (let i = 0; i < t.layout.size; i++) slabData[base + i] = data[i];
    return;
  }
  const { outer, channels, inner } = t.layout;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const from = (o * channels + c) * inner;
      const to = base + c * slab.width + o * inner;
      for (let i = 0; i < inner; i++) slabData[to + i] = data[from + i];
    }
  }
}

/** Reads one tensor back out of a slab buffer, in its own row-major layout. */
export function unpackFrom(slabData: Float32Array, slab: Slab, t: Placement): Float32Array {
  const base = t.rowOffset * slab.width;
  if (!t.transposed) return slabData.slice(base, base + t.layout.size);
  const out = new Float32Array(t.layout.size);
  const { outer, channels, inner } = t.layout;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const to = (o * channels + c) * inner;
      const from = base + c * slab.width + o * inner;
      for (let i = 0; i < inner; i++) out[to + i] = slabData[from + i];
    }
  }
  return out;
}
