import { decodeSnapshot, encodeSnapshot, type OptimizerSnapshot } from '@gcopt/float32';

/** Magic bytes, then a little-endian uint32 header length, the JSON header, then the data blocks. */
/** The first bytes of every checkpoint file. */
export const CHECKPOINT_MAGIC = 'GCOPTORT';
/** The checkpoint version this package writes and reads. */
export const CHECKPOINT_VERSION = 1;

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
  const header: Header = { format: 'gcopt-ort-checkpoint', version: CHECKPOINT_VERSION, params, optimizer: { offset, length: optimizerBytes.byteLength } };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header so float data starts 4-byte aligned.
  const dataStart = align4(CHECKPOINT_MAGIC.length + 4 + headerBytes.byteLength);
  const out = new Uint8Array(dataStart + offset + optimizerBytes.byteLength);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  new DataView(out.buffer).setUint32(CHECKPOINT_MAGIC.length, dataStart - CHECKPOINT_MAGIC.length - 4, true);
  out.set(headerBytes, CHECKPOINT_MAGIC.length + 4);
  out.fill(0x20, CHECKPOINT_MAGIC.length + 4 + headerBytes.byteLength, dataStart);
  checkpoint.params.forEach((p, i) => {
    out.set(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength), dataStart + params[i].offset);
  });
  out.set(optimizerBytes, dataStart + offset);
  return out;
}

/** Reads a checkpoint written by `encodeCheckpoint`; throws on a wrong magic, version or length. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('checkpoint: expected a Uint8Array');
  const magic = new TextDecoder().decode(bytes.subarray(0, CHECKPOINT_MAGIC.length));
  if (magic !== CHECKPOINT_MAGIC) throw new Error(`checkpoint: not a gcopt ONNX Runtime checkpoint (starts with '${magic}', expected '${CHECKPOINT_MAGIC}')`);
  if (bytes.byteLength < CHECKPOINT_MAGIC.length + 4) throw new Error('checkpoint: truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(CHECKPOINT_MAGIC.length, true);
  const dataStart = CHECKPOINT_MAGIC.length + 4 + headerLength;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(CHECKPOINT_MAGIC.length + 4, dataStart)));
  } catch {
    throw new Error('checkpoint: the header is not valid JSON (truncated or corrupted file)');
  }
  if (header.format !== 'gcopt-ort-checkpoint' || header.version !== CHECKPOINT_VERSION) {
    throw new Error(`checkpoint: unsupported format ${header.format} version ${header.version} (this reader: version ${CHECKPOINT_VERSION})`);
  }
  const end = dataStart + header.optimizer.offset + header.optimizer.length;
  if (end > bytes.byteLength) throw new Error(`checkpoint: truncated (${bytes.byteLength} bytes, the header describes ${end})`);
  const params = header.params.map((p) => {
    const start = dataStart + p.offset;
    return { name: p.name, shape: p.shape, data: new Float32Array(new Uint8Array(bytes.subarray(start, start + p.length * 4)).buffer) };
  });
  const optimizer = decodeSnapshot(bytes.subarray(dataStart + header.optimizer.offset, end));
  return { params, optimizer };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
