import { isArrayBuffer } from './binaryCodec.js';
import { SnapshotFormatError } from './errors.js';
import { validateSnapshot, type OptimizerSnapshot } from './snapshot.js';

/** A state array in JSON: values as numbers, with NaN, ±Infinity and -0 as strings so nothing is lost. */
interface JsonArray {
  dtype: 'float32' | 'float64';
  values: (number | string)[];
}

/** The strings that stand for values JSON has no number for (a Map: no prototype keys like 'constructor'). */
const SPECIAL = new Map<string, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

/**
 * The snapshot as JSON text, for small models and for reading by eye. Exact: every float32/float64
 * value round-trips bit for bit (NaN payloads aside). For large models prefer `encodeSnapshot`.
 */
export function snapshotToJSON(snapshot: OptimizerSnapshot, space?: number): string {
  validateSnapshot(snapshot);
  const params = snapshot.params.map((p) => ({
    ...p,
    slots: Object.fromEntries(
      Object.entries(p.slots).map(([name, arr]): [string, JsonArray] => [
        name,
        { dtype: arr instanceof Float64Array ? 'float64' : 'float32', values: Array.from(arr, encodeNumber) },
      ]),
    ),
  }));
  return JSON.stringify({ ...snapshot, params }, null, space);
}

/**
 * Reads `snapshotToJSON`'s text, or its UTF-8 bytes as `fs.readFileSync` returns them (any
 * Uint8Array view, or an ArrayBuffer); throws a SnapshotFormatError on anything malformed.
 */
export function snapshotFromJSON(input: string | Uint8Array | ArrayBufferLike | ArrayBufferView): OptimizerSnapshot {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SnapshotFormatError('', `not JSON (${(e as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.params))
    throw new SnapshotFormatError('params', 'expected an array');
  const params = (parsed.params as Record<string, unknown>[]).map((p, i) => {
    if (!p || typeof p !== 'object' || !p.slots || typeof p.slots !== 'object')
      throw new SnapshotFormatError(`params[${i}].slots`, 'expected an object');
    const slots = Object.fromEntries(
      Object.entries(p.slots as Record<string, JsonArray>).map(([name, a]) => [
        name,
        decodeArray(a, `params[${i}].slots.${name}`),
      ]),
    );
    return { ...p, slots };
  });
  const snapshot = { ...parsed, params };
  validateSnapshot(snapshot);
  return snapshot;
}

function encodeNumber(v: number): number | string {
  if (Number.isFinite(v) && !Object.is(v, -0)) return v;
  return Object.is(v, -0) ? '-0' : String(v);
}

function decodeArray(a: JsonArray, path: string): Float32Array | Float64Array {
  if (!a || (a.dtype !== 'float32' && a.dtype !== 'float64') || !Array.isArray(a.values)) {
    throw new SnapshotFormatError(path, "expected { dtype: 'float32' | 'float64', values: [...] }");
  }
  const out = a.dtype === 'float64' ? new Float64Array(a.values.length) : new Float32Array(a.values.length);
  a.values.forEach((v, i) => {
    if (typeof v === 'number') {
      out[i] = v;
      // judged as stored: a finite number that a float32 array holds as ±Infinity is not this file's value
      if (!Number.isFinite(out[i])) throw new SnapshotFormatError(`${path}.values[${i}]`, `${v} overflows ${a.dtype}`);
    } else if (typeof v === 'string' && SPECIAL.has(v)) out[i] = SPECIAL.get(v)!;
    else {
      const expected = `expected a number or one of ${[...SPECIAL.keys()].join(', ')}`;
      throw new SnapshotFormatError(`${path}.values[${i}]`, expected);
    }
  });
  return out;
}

function decodeUtf8(input: unknown): string {
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else if (isArrayBuffer(input)) bytes = new Uint8Array(input);
  else {
    const got = input === null ? 'null' : typeof input;
    throw new SnapshotFormatError('', `expected JSON text or its UTF-8 bytes, got ${got}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new SnapshotFormatError('', `not valid UTF-8 (${(e as Error).message})`);
  }
}
