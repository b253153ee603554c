import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Float32Param } from '../../src/index.js';

/** A temp directory for one test file's real files; `remove()` in afterAll. */
export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `gcopt-${prefix}-`));
  let n = 0;
  return {
    /** A fresh file name in the directory. */
    file: (ext: string) => join(dir, `f${n++}.${ext}`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The ways a program holds a file's bytes: what each decoder must accept. */
export const BYTE_VIEWS = [
  'readFileSync',
  'Buffer.from copy',
  'pooled small Buffer',
  'subarray at an odd offset',
  'ArrayBuffer',
] as const;
export type ByteView = (typeof BYTE_VIEWS)[number];

/** Reads `file` with fs and hands its bytes over as `view`. */
export function readAs(file: string, view: ByteView, offset: number): Uint8Array | ArrayBuffer {
  const buffer = readFileSync(file); // a Buffer, usually a view into a larger ArrayBuffer
  switch (view) {
    case 'readFileSync':
      return buffer;
    case 'Buffer.from copy':
      return Buffer.from(buffer);
    case 'pooled small Buffer':
      return Buffer.from(Array.from(buffer)); // under 4 KiB, a slice of Node's shared pool
    case 'subarray at an odd offset': {
      const odd = 2 * offset + 1;
      const big = new Uint8Array(buffer.length + odd + 7).fill(0xa5);
      big.set(buffer, odd);
      return big.subarray(odd, odd + buffer.length);
    }
    case 'ArrayBuffer':
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
  }
}

/** Saves the model's weights to real files, one per tensor, and reads them back into a new model. */
export function weightsThroughFiles(model: readonly Float32Param[], dir: ReturnType<typeof tempDir>): Float32Param[] {
  return model.map((p) => {
    const file = dir.file('f32');
    writeFileSync(file, new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
    const bytes = readFileSync(file);
    const data = new Float32Array(p.data.length);
    new Uint8Array(data.buffer).set(bytes); // copies exactly the file's bytes, wherever the Buffer lies
    return { ...p, shape: [...p.shape], data };
  });
}

/** Whether two lists of arrays hold the same bytes (a fast check for loops of a thousand runs). */
export function sameBytes(a: readonly ArrayBufferView[], b: readonly ArrayBufferView[]): boolean {
  const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return a.length === b.length && a.every((x, i) => Buffer.compare(bytes(x), bytes(b[i])) === 0);
}
