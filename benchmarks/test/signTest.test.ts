import { describe, expect, it } from 'vitest';
import { pairedSlower, signTestPValue } from '../src/signTest.js';

// the oracle: binomial tails summed from exact integer binomial coefficients (BigInt), not from the
// log-space ratio recurrence the module uses
function exactTail(more: number, n: number): number {
  let c = 1n;
  let tail = 0n;
  for (let i = 0; i <= n; i++) {
    if (i > 0) c = (c * BigInt(n - i + 1)) / BigInt(i);
    if (i >= more) tail += c;
  }
  return Number(tail) / 2 ** n;
}

describe('sign test', () => {
  it('is the binomial(n, 1/2) upper tail', () => {
    for (const n of [1, 2, 7, 20, 51, 101]) {
      for (let more = 0; more <= n; more += Math.max(1, n >> 3)) {
        expect(signTestPValue(more, n)).toBeCloseTo(exactTail(more, n), 12);
      }
    }
    expect(signTestPValue(0, 10)).toBe(1);
    expect(signTestPValue(10, 10)).toBeCloseTo(1 / 1024, 15);
  });

  it('refuses counts that are not 0 ≤ more ≤ n', () => {
    expect(() => signTestPValue(5, 4)).toThrow(/more 5, n 4/);
    expect(() => signTestPValue(-1, 4)).toThrow(RangeError);
    expect(() => signTestPValue(1.5, 4)).toThrow(RangeError);
  });

  it('calls a consistently slower series slower, and an evenly split one not', () => {
    const base = Array.from({ length: 51 }, (_, i) => 1 + (i % 5) * 0.01);
    const slower = pairedSlower(
      base.map((x) => x * 1.02),
      base,
    );
    expect(slower.slower).toBe(51);
    expect(slower.significantlySlower).toBe(true);
    expect(slower.medianRatio).toBeCloseTo(1.02, 12);
    // slower in every other pair, by as much as 30 %: no more often than chance
    const mixed = pairedSlower(
      base.map((x, i) => (i % 2 ? x * 1.3 : x * 0.9)),
      base,
    );
    expect(mixed.slower).toBe(25);
    expect(mixed.significantlySlower).toBe(false);
  });

  it('refuses series of different lengths', () => {
    expect(() => pairedSlower([1, 2], [1])).toThrow(/2 and 1/);
  });
});
