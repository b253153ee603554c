import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bytes as real programs get them: written to a file and read back with `fs.readFileSync`, which
 * returns a Node Buffer (small ones are views into a shared pool, at a non-zero byteOffset).
 */
export function throughFile(bytes: Uint8Array, name = 'bytes.bin'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'gcopt-ort-'));
  try {
    writeFileSync(join(dir, name), bytes);
    return readFileSync(join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same bytes at `offset` inside a larger buffer (an odd offset breaks any Float32Array view). */
export function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const big = new Uint8Array(bytes.byteLength + offset + 5).fill(0xee);
  big.set(bytes, offset);
  return big.subarray(offset, offset + bytes.byteLength);
}

/** Every kind of view a caller may hand over: fs Buffer, Buffer.from (pooled), odd-offset subarrays. */
export function viewsOf(bytes: Uint8Array): [string, Uint8Array][] {
  return [
    ['fs.readFileSync', throughFile(bytes)],
    ['Buffer.from', Buffer.from(bytes)],
    ['subarray at offset 1', atOffset(bytes, 1)],
    ['subarray at offset 3', atOffset(bytes, 3)],
  ];
}
