import { SnapshotFormatError } from './errors.js';
import { validateSnapshot, type OptimizerSnapshot } from './snapshot.js';

/** The first 8 bytes of every encoded snapshot. */
export const SNAPSHOT_MAGIC = 'GCOPTSNP';
/** Version of the byte container (the snapshot inside has its own `version`). */
export const CONTAINER_VERSION = 1;
const HEADER_BYTES = 16;
const ALIGN = 8;

/** Where one state array lies in the data section. */
interface BlobDescriptor {
  dtype: 'float32' | 'float64';
  /** Byte offset from the start of the data section (a multiple of 8). */
  offset: number;
  /** Number of elements. */
  length: number;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Encodes a snapshot compactly:
 * `"GCOPTSNP"` · uint32 LE container version · uint32 LE JSON byte length · UTF-8 JSON (the snapshot
 * with every state array replaced by `{dtype, offset, length}`) · zero padding to a multiple of 8 ·
 * the data section: each array's little-endian IEEE-754 bytes at its 8-aligned offset.
 */
export function encodeSnapshot(snapshot: OptimizerSnapshot): Uint8Array {
  validateSnapshot(snapshot);
  let dataBytes = 0;
  const blobs: (Float32Array | Float64Array)[] = [];
  const params = snapshot.params.map((p) => ({
    ...p,
    slots: Object.fromEntries(
      Object.entries(p.slots).map(([name, arr]): [string, BlobDescriptor] => {
        const d: BlobDescriptor = { dtype: arr instanceof Float64Array ? 'float64' : 'float32', offset: dataBytes, length: arr.length };
        blobs.push(arr);
        dataBytes = align(dataBytes + arr.byteLength);
        return [name, d];
      }),
    ),
  }));
  const json = new TextEncoder().encode(JSON.stringify({ ...snapshot, params }));
  const dataStart = align(HEADER_BYTES + json.length);
  const out = new Uint8Array(dataStart + dataBytes);
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) out[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, HEADER_BYTES);
  let at = dataStart;
  for (const arr of blobs) {
    writeLittleEndian(out, at, arr);
    at = align(at + arr.byteLength);
  }
  return out;
}

/** Decodes `encodeSnapshot`'s bytes; throws a SnapshotFormatError on anything malformed. */
export function decodeSnapshot(input: Uint8Array | ArrayBuffer): OptimizerSnapshot {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new SnapshotFormatError('', 'expected a Uint8Array or ArrayBuffer');
  if (bytes.length < HEADER_BYTES) throw new SnapshotFormatError('', `${bytes.length} bytes is too short for a snapshot header`);
  const magic = String.fromCharCode(...bytes.subarray(0, SNAPSHOT_MAGIC.length));
  if (magic !== SNAPSHOT_MAGIC) throw new SnapshotFormatError('magic', `expected '${SNAPSHOT_MAGIC}', got ${JSON.stringify(magic)}: not a gcopt optimizer snapshot`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const container = view.getUint32(8, true);
  if (container !== CONTAINER_VERSION) throw new SnapshotFormatError('container version', `this gcopt reads ${CONTAINER_VERSION}, got ${container}`);
  const jsonLength = view.getUint32(12, true);
  if (HEADER_BYTES + jsonLength > bytes.length) throw new SnapshotFormatError('header', 'truncated: the JSON header runs past the end');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength)));
  } catch (e) {
    throw new SnapshotFormatError('header', `not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.params)) throw new SnapshotFormatError('params', 'expected an array');
  const dataStart = align(HEADER_BYTES + jsonLength);
  const params = (header.params as Record<string, unknown>[]).map((p, i) => {
    if (!p || typeof p !== 'object' || !p.slots || typeof p.slots !== 'object') throw new SnapshotFormatError(`params[${i}].slots`, 'expected an object');
    const slots = Object.fromEntries(
      Object.entries(p.slots as Record<string, BlobDescriptor>).map(([name, d]) => [name, readBlob(bytes, dataStart, d, `params[${i}].slots.${name}`)]),
    );
    return { ...p, slots };
  });
  const snapshot = { ...header, params };
  validateSnapshot(snapshot);
  return snapshot;
}

function readBlob(bytes: Uint8Array, dataStart: number, d: BlobDescriptor, path: string): Float32Array | Float64Array {
  if (!d || (d.dtype !== 'float32' && d.dtype !== 'float64')) throw new SnapshotFormatError(path, `expected dtype 'float32' or 'float64', got ${JSON.stringify(d?.dtype)}`);
  const width = d.dtype === 'float64' ? 8 : 4;
  if (!Number.isInteger(d.offset) || d.offset < 0 || d.offset % ALIGN !== 0) throw new SnapshotFormatError(path, `bad offset ${JSON.stringify(d.offset)}`);
  if (!Number.isInteger(d.length) || d.length < 0) throw new SnapshotFormatError(path, `bad length ${JSON.stringify(d.length)}`);
  const start = dataStart + d.offset;
  const end = start + d.length * width;
  if (end > bytes.length) throw new SnapshotFormatError(path, `truncated: needs bytes up to ${end}, the data has ${bytes.length}`);
  const copy = bytes.slice(start, end); // own, aligned buffer
  if (littleEndianHost) return d.dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
  const view = new DataView(copy.buffer);
  const out = d.dtype === 'float64' ? new Float64Array(d.length) : new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = width === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

function writeLittleEndian(out: Uint8Array, at: number, arr: Float32Array | Float64Array): void {
  if (littleEndianHost) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, arr.byteLength);
  const f64 = arr instanceof Float64Array;
  for (let i = 0; i < arr.length; i++) {
    if (f64) view.setFloat64(i * 8, arr[i], true);
    else view.setFloat32(i * 4, arr[i], true);
  }
}
