import { Checker } from '../validation.js';

/** The advanced code's GC switches. */
export interface GcFlags {
  /** Centralize at all (default false, as in the reference). */
  useGc: boolean;
  /** Only rank ≥ 4 tensors (conv kernels), i.e. the 'gcc' rule (default false). */
  gcConvOnly: boolean;
}

/** Advanced adaptive optimizers also choose where GC acts. */
export interface GcLocation {
  /** true: GC on the gradient, before the moments; false: GC on the update direction. */
  gcLoc: boolean;
}

export function parseGcFlags(name: string, o: Partial<GcFlags>): GcFlags {
  const c = new Checker(name);
  return { useGc: c.boolean('useGc', o.useGc ?? false), gcConvOnly: c.boolean('gcConvOnly', o.gcConvOnly ?? false) };
}

export function parseGcLoc(name: string, o: Partial<GcLocation>, defaultLoc: boolean): GcLocation {
  return { gcLoc: new Checker(name).boolean('gcLoc', o.gcLoc ?? defaultLoc) };
}

export const GC_FLAG_NAMES = ['useGc', 'gcConvOnly'] as const;
