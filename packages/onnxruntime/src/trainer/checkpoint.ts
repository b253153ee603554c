import { decodeSnapshot, encodeSnapshot, type OptimizerSnapshot } from '@gcopt/float32';
import { crc32 } from './crc32.js';

/**
 * Magic bytes, then a little-endian uint32 header length, the JSON header, then the data blocks;
 * version 2 ends with the CRC-32 of every byte before it (version 1 files, without it, still load).
 */
export const CHECKPOINT_MAGIC = 'GCOPTORT';
export const CHECKPOINT_VERSION = 2;
const CHECKSUM_BYTES = 4;

interface Header {
  format: 'gcopt-ort-checkpoint';
  version: number;
  params: { name: string; shape: number[]; offset: number; length: number }[];
  optimizer: { offset: number; length: number };
}

/** A training checkpoint: parameters and the optimizer snapshot. */
export interface Checkpoint {
  params: { name: string; shape: number[]; data: Float32Array }[];
  /** The `@gcopt/float32` optimizer snapshot. */
  optimizer: OptimizerSnapshot;
}

/**
 * One file: the parameters (float32, little-endian) and the optimizer state in `@gcopt/float32`'s
 * binary snapshot format, so a run resumes exactly where it stopped.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const optimizerBytes = encodeSnapshot(checkpoint.optimizer);
  let offset = 0;
  const params = checkpoint.params.map((p) => {
    const entry = { name: p.name, shape: [...p.shape], offset, length: p.data.length };
    offset += p.data.byteLength;
    return entry;
  });
  const header: Header = {
    format: 'gcopt-ort-checkpoint',
    version: CHECKPOINT_VERSION,
    params,
    optimizer: { offset, length: optimizerBytes.byteLength },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header so float data starts 4-byte aligned.
  const dataStart = align4(CHECKPOINT_MAGIC.length + 4 + headerBytes.byteLength);
  const out = new Uint8Array(dataStart + offset + optimizerBytes.byteLength + CHECKSUM_BYTES);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  new DataView(out.buffer).setUint32(CHECKPOINT_MAGIC.length, dataStart - CHECKPOINT_MAGIC.length - 4, true);
  out.set(headerBytes, CHECKPOINT_MAGIC.length + 4);
  out.fill(0x20, CHECKPOINT_MAGIC.length + 4 + headerBytes.byteLength, dataStart);
  checkpoint.params.forEach((p, i) => {
    out.set(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength), dataStart + params[i].offset);
  });
  out.set(optimizerBytes, dataStart + offset);
  const body = out.byteLength - CHECKSUM_BYTES;
  new DataView(out.buffer).setUint32(body, crc32(out.subarray(0, body)), true);
  return out;
}

/**
 * Reads a checkpoint from any `Uint8Array` view (a Node Buffer from `fs.readFileSync` is a view into
 * a larger pooled buffer, often at an odd offset): the data is copied out, never viewed in place.
 * Every header field is checked against the bytes before anything is read.
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`checkpoint: expected a Uint8Array, got ${describe(bytes)}`);
  const prefix = CHECKPOINT_MAGIC.length + 4;
  const magic = new TextDecoder().decode(bytes.subarray(0, CHECKPOINT_MAGIC.length));
  if (magic !== CHECKPOINT_MAGIC)
    throw new Error(
      `checkpoint: not a gcopt ONNX Runtime checkpoint (starts with '${magic}', expected '${CHECKPOINT_MAGIC}')`,
    );
  if (bytes.byteLength < prefix) throw new Error('checkpoint: truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(CHECKPOINT_MAGIC.length, true);
  const dataStart = prefix + headerLength;
  if (dataStart > bytes.byteLength) {
    throw new Error(`checkpoint: truncated (${bytes.byteLength} bytes, the header alone needs ${dataStart})`);
  }
  // the checksum covers the header too, but is found through it: a corrupted header fails below
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(prefix, dataStart)));
  } catch {
    throw new Error('checkpoint: the header is not valid JSON (truncated or corrupted file)');
  }
  checkHeader(header);
  const end = dataStart + header.optimizer.offset + header.optimizer.length;
  const total = end + (header.version >= 2 ? CHECKSUM_BYTES : 0);
  if (total > bytes.byteLength) {
    throw new Error(`checkpoint: truncated (${bytes.byteLength} bytes, the header describes ${total})`);
  }
  if (total < bytes.byteLength) {
    throw new Error(`checkpoint: ${bytes.byteLength - total} bytes after the ${total} the header describes`);
  }
  if (header.version >= 2 && crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) {
    throw new Error('checkpoint: checksum mismatch (the file is corrupted)');
  }
  const params = header.params.map((p, i) => {
    const start = dataStart + p.offset;
    if (start + p.length * 4 > dataStart + header.optimizer.offset) {
      throw new Error(`checkpoint: header.params[${i}] ('${p.name}') overlaps the optimizer snapshot`);
    }
    // a copy: `bytes` may be a view at an offset that is not a multiple of 4
    const data = new Float32Array(new Uint8Array(bytes.subarray(start, start + p.length * 4)).buffer);
    return { name: p.name, shape: [...p.shape], data };
  });
  const optimizer = decodeSnapshot(new Uint8Array(bytes.subarray(dataStart + header.optimizer.offset, end)));
  return { params, optimizer };
}

/** The header's fields are what encodeCheckpoint writes; anything else is a corrupted file. */
function checkHeader(header: unknown): asserts header is Header {
  const h = header as Partial<Header> | null;
  if (h === null || typeof h !== 'object') throw new Error('checkpoint: the header is not a JSON object');
  if (h.format !== 'gcopt-ort-checkpoint' || (h.version !== 1 && h.version !== CHECKPOINT_VERSION)) {
    throw new Error(
      `checkpoint: unsupported format ${String(h.format)} version ${String(h.version)} ` +
        `(this reader: versions 1 and ${CHECKPOINT_VERSION})`,
    );
  }
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(h.params)) throw new Error('checkpoint: header.params is not an array');
  const names = new Set<string>();
  h.params.forEach((p, i) => {
    const where = `checkpoint: header.params[${i}]`;
    if (p === null || typeof p !== 'object') throw new Error(`${where} is not an object`);
    if (typeof p.name !== 'string' || p.name === '') throw new Error(`${where}.name is not a non-empty string`);
    if (names.has(p.name)) throw new Error(`${where}.name '${p.name}' appears twice`);
    names.add(p.name);
    if (!Array.isArray(p.shape) || !p.shape.every(count)) {
      throw new Error(`${where}.shape ('${p.name}') is not a list of sizes`);
    }
    if (!count(p.offset) || p.offset % 4 !== 0) throw new Error(`${where}.offset ('${p.name}') is not a multiple of 4`);
    if (!count(p.length) || p.length !== p.shape.reduce((a: number, b: number) => a * b, 1)) {
      const size = p.shape.reduce((a: number, b: number) => a * b, 1);
      const shape = p.shape.join(', ');
      throw new Error(`${where}.length ('${p.name}') is ${String(p.length)}, its shape [${shape}] needs ${size}`);
    }
  });
  const o = h.optimizer;
  if (o === null || typeof o !== 'object' || !count(o.offset) || !count(o.length)) {
    throw new Error('checkpoint: header.optimizer is not { offset, length } with non-negative integers');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
