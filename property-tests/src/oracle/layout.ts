/**
 * The oracle's own view of a tensor's output channels and of the GC rank rule, written from the paper
 * and docs/ALGORITHMS.md §1 — deliberately not imported from the core, so that a layout or rule bug in
 * the core cannot move the expectation with it.
 */
/** Which tensors GC centres: GC_1 ('gc': rank ≥ 2), GC_3 ('gcc': rank ≥ 4), or none. */
export type GcRule = 'gc' | 'gcc' | 'none';

export interface ChannelLayout {
  readonly shape: readonly number[];
  readonly rank: number;
  /** Resolved output axis (0 ≤ axis < rank; 0 for a scalar). */
  readonly outAxis: number;
  readonly size: number;
  /** Elements before / along / after the output axis: element (o, c, i) sits at (o·channels + c)·inner + i. */
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
  /** Elements per output channel. */
  readonly fanIn: number;
}

/** `shape` seen as [outer, channels, inner] around `outAxis` (negative counts from the end). */
export function channelLayout(shape: readonly number[], outAxis: number): ChannelLayout {
  const rank = shape.length;
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`shape [${shape}] has an axis that is not a positive integer`);
  }
  const axis = rank === 0 ? 0 : outAxis < 0 ? rank + outAxis : outAxis;
  if (rank > 0 && (axis < 0 || axis >= rank)) {
    throw new RangeError(`outAxis ${outAxis} is outside a rank-${rank} tensor`);
  }
  const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  const outer = product(shape.slice(0, axis));
  const channels = rank === 0 ? 1 : shape[axis];
  const inner = product(shape.slice(axis + 1));
  const size = outer * channels * inner;
  return { shape: [...shape], rank, outAxis: axis, size, outer, channels, inner, fanIn: outer * inner };
}

/** The output channel of flat element `i`. */
export function channelIndex(i: number, layout: ChannelLayout): number {
  return Math.floor(i / layout.inner) % layout.channels;
}

/** Whether GC centres a tensor of this rank: GC_1 from rank 2 ('gc'), GC_3 from rank 4 ('gcc'), never ('none'). */
export function centres(rank: number, rule: GcRule): boolean {
  return rule === 'gc' ? rank > 1 : rule === 'gcc' ? rank > 3 : false;
}

/** The advanced optimizers' `use_gc` / `gc_conv_only` flags as a rule. */
export function ruleOfFlags(useGc: boolean, gcConvOnly: boolean): GcRule {
  return useGc ? (gcConvOnly ? 'gcc' : 'gc') : 'none';
}
