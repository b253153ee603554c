import { describe, expect, it } from 'vitest';
import { seededRandom } from '@gcopt/mnist-data';
import { crc32c } from '../src/crc32c.js';

/** The textbook bit-at-a-time CRC-32C: the oracle for the table-driven one. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('CRC-32C', () => {
  it('matches the published check values (RFC 3720 B.4 and the CRC catalogue)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('equals the bitwise definition at every length and alignment, and continues across chunks', () => {
    const random = seededRandom(5);
    const data = Uint8Array.from({ length: 300 }, () => Math.floor(random() * 256));
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end += 7) {
        const part = data.subarray(start, end);
        expect(crc32c(part)).toBe(bitwiseCrc32c(part));
      }
    }
    expect(crc32c(data.subarray(123), crc32c(data.subarray(0, 123)))).toBe(bitwiseCrc32c(data));
  });
});
