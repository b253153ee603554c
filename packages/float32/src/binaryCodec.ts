import { crc32c } from './crc32c.js';
import { SnapshotFormatError } from './errors.js';
import { validateSnapshot, type OptimizerSnapshot } from './snapshot.js';

/** The first 8 bytes of every encoded snapshot. */
export const SNAPSHOT_MAGIC = 'GCOPTSNP';
/** Version of the byte container that `encodeSnapshot` writes (the snapshot inside has its own `version`). */
export const CONTAINER_VERSION = 2;
/** Container versions `decodeSnapshot` reads: 1 (no checksums, gcopt 0.1) and 2 (CRC-32C checksums). */
export const READABLE_CONTAINER_VERSIONS: readonly number[] = [1, 2];
/** magic · version · JSON length (version 1); version 2 adds the header's CRC-32C. */
const FIXED_BYTES = { 1: 16, 2: 20 } as const;
const ALIGN = 8;

/** Where one state array lies in the data section. */
interface BlobDescriptor {
  dtype: 'float32' | 'float64';
  /** Byte offset from the start of the data section (a multiple of 8). */
  offset: number;
  /** Number of elements. */
  length: number;
  /** CRC-32C of the array's bytes (container version 2). */
  crc32c?: number;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Encodes a snapshot compactly (container version 2):
 * `"GCOPTSNP"` · uint32 LE container version · uint32 LE JSON byte length · uint32 LE CRC-32C of
 * the 16 bytes before it and the JSON · UTF-8 JSON (the snapshot with every state array replaced
 * by `{dtype, offset, length, crc32c}`) · zero padding to a multiple of 8 · the data section: each
 * array's little-endian IEEE-754 bytes at its 8-aligned offset, zero-padded to 8. Every byte is
 * covered by a checksum or must be zero, so any corrupted byte is detected.
 */
export function encodeSnapshot(snapshot: OptimizerSnapshot): Uint8Array {
  validateSnapshot(snapshot);
  let dataBytes = 0;
  const blobs: Uint8Array[] = [];
  const params = snapshot.params.map((p) => ({
    ...p,
    slots: Object.fromEntries(
      Object.entries(p.slots).map(([name, arr]): [string, BlobDescriptor] => {
        const bytes = littleEndianBytes(arr);
        const d: BlobDescriptor = {
          dtype: arr instanceof Float64Array ? 'float64' : 'float32',
          offset: dataBytes,
          length: arr.length,
          crc32c: crc32c(bytes),
        };
        blobs.push(bytes);
        dataBytes = align(dataBytes + bytes.length);
        return [name, d];
      }),
    ),
  }));
  const json = new TextEncoder().encode(JSON.stringify({ ...snapshot, params }));
  const fixed = FIXED_BYTES[2];
  const dataStart = align(fixed + json.length);
  const out = new Uint8Array(dataStart + dataBytes);
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) out[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, crc32c(json, crc32c(out.subarray(0, 16))), true);
  out.set(json, fixed);
  let at = dataStart;
  for (const bytes of blobs) {
    out.set(bytes, at);
    at = align(at + bytes.length);
  }
  return out;
}

/**
 * Decodes `encodeSnapshot`'s bytes, container version 2 or 1, from any view: a Uint8Array at any
 * offset, a Node Buffer (often a slice of a larger pooled buffer), another typed array or DataView,
 * or an ArrayBuffer. Nothing aliases the input. Throws a SnapshotFormatError naming what is wrong.
 */
export function decodeSnapshot(input: Uint8Array | ArrayBufferLike | ArrayBufferView): OptimizerSnapshot {
  const bytes = asBytes(input);
  if (bytes.length < FIXED_BYTES[1]) fail('', `${bytes.length} bytes is too short for a snapshot header`);
  const magic = String.fromCharCode(...bytes.subarray(0, SNAPSHOT_MAGIC.length));
  if (magic !== SNAPSHOT_MAGIC) {
    fail('magic', `expected '${SNAPSHOT_MAGIC}', got ${JSON.stringify(magic)}: not a gcopt optimizer snapshot`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const container = view.getUint32(8, true);
  if (container !== 1 && container !== 2) {
    fail('container version', `this gcopt reads ${READABLE_CONTAINER_VERSIONS.join(' and ')}, got ${container}`);
  }
  const checked = container === 2;
  const fixed = FIXED_BYTES[container];
  if (bytes.length < fixed) fail('', `${bytes.length} bytes is too short for a version ${container} header`);
  const jsonLength = view.getUint32(12, true);
  if (fixed + jsonLength > bytes.length) fail('header', 'truncated: the JSON header runs past the end');
  const jsonBytes = bytes.subarray(fixed, fixed + jsonLength);
  if (checked) {
    const expected = view.getUint32(16, true);
    const actual = crc32c(jsonBytes, crc32c(bytes.subarray(0, 16)));
    if (actual !== expected) fail('header', corrupted(actual, expected));
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (e) {
    throw new SnapshotFormatError('header', `not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.params)) fail('params', 'expected an array');
  const dataStart = align(fixed + jsonLength);
  if (checked) expectZeros(bytes, fixed + jsonLength, dataStart, 'header padding');
  let dataEnd = 0; // version 2: the arrays lie back to back, in order, as encodeSnapshot writes them
  const params = (header.params as Record<string, unknown>[]).map((p, i) => {
    if (!p || typeof p !== 'object' || !p.slots || typeof p.slots !== 'object') {
      fail(`params[${i}].slots`, 'expected an object');
    }
    const slots = Object.fromEntries(
      Object.entries(p.slots as Record<string, BlobDescriptor>).map(([name, d]) => {
        const path = `params[${i}].slots.${name}`;
        if (checked && d && d.offset !== dataEnd) fail(path, `offset ${JSON.stringify(d.offset)}, expected ${dataEnd}`);
        const arr = readBlob(bytes, dataStart, d, path, checked);
        if (checked) {
          const end = d.offset + arr.byteLength;
          dataEnd = align(end);
          expectZeros(bytes, dataStart + end, dataStart + dataEnd, `${path} padding`);
        }
        return [name, arr];
      }),
    );
    return { ...p, slots };
  });
  if (checked && dataStart + dataEnd !== bytes.length) {
    const extra = bytes.length - dataStart - dataEnd;
    fail('', `${extra} bytes after the last state array (expected ${dataStart + dataEnd} bytes in all)`);
  }
  const snapshot = { ...header, params };
  validateSnapshot(snapshot);
  return snapshot;
}

export function isArrayBuffer(x: unknown): x is ArrayBufferLike {
  return x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer);
}

/** A Uint8Array over exactly the input's bytes (its own byteOffset and length, never the whole pool). */
function asBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (isArrayBuffer(input)) return new Uint8Array(input);
  const got = input === null ? 'null' : typeof input;
  return fail('', `expected bytes (a Uint8Array, Buffer or ArrayBuffer), got ${got}`);
}

function readBlob(
  bytes: Uint8Array,
  dataStart: number,
  d: BlobDescriptor,
  path: string,
  checked: boolean,
): Float32Array | Float64Array {
  if (!d || typeof d !== 'object' || (d.dtype !== 'float32' && d.dtype !== 'float64')) {
    fail(path, `expected dtype 'float32' or 'float64', got ${JSON.stringify(d?.dtype)}`);
  }
  const width = d.dtype === 'float64' ? 8 : 4;
  if (!Number.isInteger(d.offset) || d.offset < 0 || d.offset % ALIGN !== 0) {
    fail(path, `bad offset ${JSON.stringify(d.offset)}`);
  }
  if (!Number.isInteger(d.length) || d.length < 0) fail(path, `bad length ${JSON.stringify(d.length)}`);
  const start = dataStart + d.offset;
  const end = start + d.length * width;
  if (end > bytes.length) fail(path, `truncated: needs bytes up to ${end}, the data has ${bytes.length}`);
  // a copy into a fresh, aligned buffer; Uint8Array.prototype.slice because Buffer#slice is a view
  const copy = Uint8Array.prototype.slice.call(bytes, start, end);
  if (checked) {
    if (!Number.isInteger(d.crc32c)) fail(path, `missing checksum (crc32c ${JSON.stringify(d.crc32c)})`);
    const actual = crc32c(copy);
    if (actual !== d.crc32c) fail(path, corrupted(actual, d.crc32c!));
  }
  if (littleEndianHost) return d.dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
  const view = new DataView(copy.buffer);
  const out = d.dtype === 'float64' ? new Float64Array(d.length) : new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = width === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

function expectZeros(bytes: Uint8Array, from: number, to: number, what: string): void {
  for (let i = from; i < Math.min(to, bytes.length); i++) {
    if (bytes[i] !== 0) fail(what, `byte ${i} is ${bytes[i]}, padding must be 0: the file is corrupted`);
  }
}

/** The array's bytes, little-endian (a view of the array itself on little-endian hosts). */
function littleEndianBytes(arr: Float32Array | Float64Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  const out = new Uint8Array(arr.byteLength);
  const view = new DataView(out.buffer);
  const f64 = arr instanceof Float64Array;
  for (let i = 0; i < arr.length; i++) {
    if (f64) view.setFloat64(i * 8, arr[i], true);
    else view.setFloat32(i * 4, arr[i], true);
  }
  return out;
}

function fail(path: string, problem: string): never {
  throw new SnapshotFormatError(path, problem);
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const corrupted = (actual: number, recorded: number) =>
  `checksum mismatch (CRC-32C ${hex(actual)}, recorded ${hex(recorded)}): the file is corrupted`;
