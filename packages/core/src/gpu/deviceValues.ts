/**
 * A gpu.js kernel result that stays where the backend keeps it: a WebGPU buffer handle, a GL
 * texture, or (cpu/webasm) plain arrays. gpu.js passes any of them straight into other kernels.
 */
export type DeviceValue = unknown;

interface Readable {
  toArray(): unknown;
  delete?(): void;
  output?: number[];
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).toArray === 'function';
}

/** Reads a device value back as one flat Float32Array (rows concatenated). */
export async function readFlat(value: DeviceValue, length: number): Promise<Float32Array> {
  const host = isReadable(value) ? await value.toArray() : value;
  if (host instanceof Float32Array) return host.length === length ? host : host.slice(0, length);
  const rows = host as ArrayLike<ArrayLike<number>>;
  const out = new Float32Array(length);
  let at = 0;
  for (let r = 0; r < rows.length && at < length; r++) {
    const row = rows[r];
    if (typeof row === 'number') out[at++] = row;
    else {
      out.set(row as ArrayLike<number>, at);
      at += row.length;
    }
  }
  return out;
}

/** Frees a device value's memory where the backend has any to free (no-op for plain arrays). */
export function release(value: DeviceValue): void {
  if (typeof value === 'object' && value !== null && typeof (value as Readable).delete === 'function')
    (value as Readable).delete!();
}

/** The `[width, rows]` output size of a device value, when it says. */
export function outputOf(value: DeviceValue): number[] | undefined {
  const o = (value as Readable | null)?.output;
  return Array.isArray(o) ? o : undefined;
}
