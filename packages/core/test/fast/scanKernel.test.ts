import { describe, expect, it } from 'vitest';
import { KIND, SCAN_SLOT } from '../../src/fast/tasks.js';
import { TASK_SLOTS } from '../../src/fast/wasm/kernelsBinary.js';
import { kernelModule, type KernelExports } from '../../src/fast/wasm/loadKernels.js';

// One scan task run by the kernels directly. The block (`outer` slices of `cw` channels of `inner`
// floats, contiguous) sits between NaN guards, its channel sums between sentinel guards: every channel's
// sum must be the float64 sum of its own floats (g + wd·p), the check must pass (a read past the block
// would meet NaN), and no sum outside the block's `cw` may be written.

const TABLE = 0;
const MEANS = 1024; // cw float64 sums, GUARD float64 sentinels on each side
const GUARD = 64;
const G = 8192;
const SENTINEL = -12345.5;

interface Block {
  readonly outer: number;
  readonly cw: number;
  readonly inner: number;
}

const BLOCKS: { label: string; block: Block }[] = [
  { label: 'channels first, 7 channels (a group of 4 and 3 more)', block: { outer: 1, cw: 7, inner: 5 } },
  { label: 'channels first, 13 channels of 9', block: { outer: 1, cw: 13, inner: 9 } },
  { label: 'channels first, 3 channels (no group of 4)', block: { outer: 1, cw: 3, inner: 21 } },
  { label: 'output axis last, 9 slices of 6 channels', block: { outer: 9, cw: 6, inner: 1 } },
  { label: 'output axis last, 11 slices of 13 channels', block: { outer: 11, cw: 13, inner: 1 } },
  { label: 'output axis last, 3 slices (fewer than 4)', block: { outer: 3, cw: 5, inner: 1 } },
  { label: 'output axis in the middle, 3 slices of 7 channels of 5', block: { outer: 3, cw: 7, inner: 5 } },
];

function scanOnce({ outer, cw, inner }: Block, wd: number) {
  const size = outer * cw * inner;
  const bytes = size * 4;
  const P = G + bytes + 4096; // p after g's block and its guard
  const memory = new WebAssembly.Memory({ initial: Math.ceil((P + bytes + 4096) / 65536) + 1 });
  const kernels = new WebAssembly.Instance(kernelModule(false), { env: { memory } })
    .exports as unknown as KernelExports;
  const f32 = new Float32Array(memory.buffer);
  const f64 = new Float64Array(memory.buffer);
  // NaN everywhere around the blocks of g and p, the values inside
  f32.fill(Number.NaN, (G - 4096) / 4, (P + bytes + 4096) / 4);
  const g = f32.subarray(G / 4, G / 4 + size);
  const p = f32.subarray(P / 4, P / 4 + size);
  for (let i = 0; i < size; i++) {
    g[i] = Math.sin(1 + i * 0.37) + 0.25;
    p[i] = Math.cos(2 + i * 0.11);
  }
  f64.fill(SENTINEL, MEANS / 8 - GUARD, MEANS / 8 + cw + GUARD);
  const record = f64.subarray(TABLE / 8, TABLE / 8 + TASK_SLOTS);
  record[SCAN_SLOT.kind] = KIND.scan;
  record[SCAN_SLOT.g] = G;
  record[SCAN_SLOT.p] = P;
  record[SCAN_SLOT.outer] = outer;
  record[SCAN_SLOT.channels] = cw;
  record[SCAN_SLOT.inner] = inner;
  record[SCAN_SLOT.stride] = cw * inner * 4;
  record[SCAN_SLOT.means] = MEANS;
  record[SCAN_SLOT.n] = 0; // sums, not means
  record[SCAN_SLOT.wd] = wd;
  kernels.run(TABLE, 0, 1, 65536 - 4096);
  // the oracle: each channel's terms in the order of memory, x = g + wd·p rounded as float32 does
  const w = Math.fround(wd);
  const want = new Float64Array(cw);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < cw; c++)
      for (let i = 0; i < inner; i++) {
        const j = (o * cw + c) * inner + i;
        want[c] += wd === 0 ? g[j] : Math.fround(g[j] + Math.fround(w * p[j]));
      }
  return {
    result: record[SCAN_SLOT.result],
    sums: Array.from(f64.subarray(MEANS / 8, MEANS / 8 + cw)),
    want: Array.from(want),
    before: Array.from(f64.subarray(MEANS / 8 - GUARD, MEANS / 8)),
    after: Array.from(f64.subarray(MEANS / 8 + cw, MEANS / 8 + cw + GUARD)),
  };
}

describe.each(BLOCKS)('the scan kernel on one block: $label', ({ block }) => {
  it.each([0, 0.5])('sums its own channels only (wd %s)', (wd) => {
    const r = scanOnce(block, wd);
    expect(r.result, 'a read outside the block meets NaN').toBe(0);
    r.sums.forEach((s, c) =>
      expect(Math.abs(s - r.want[c]), `channel ${c}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(r.want[c]))),
    );
    expect(r.before.every((x) => x === SENTINEL)).toBe(true);
    expect(
      r.after.every((x) => x === SENTINEL),
      'no sum written past the block',
    ).toBe(true);
  });
});
