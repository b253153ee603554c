import { readdirSync, readFileSync } from 'node:fs';
import { ThreadPool } from '@gcopt/core/fast';
import { median } from './timing.js';

/**
 * The honest floor of a step: a streaming WebAssembly SIMD kernel with the optimizer's own access
 * pattern and almost no arithmetic, on the same worker pool (`ThreadPool` of `@gcopt/core/fast`)
 * and thread count as gcopt's step, over arrays at least 4× the last-level cache.
 * - `adam` (Adam, AdamW): reads p, g, m, v; writes p, m, v: 28 B/param;
 * - `sgdMomentum` (SGD with momentum, Adagrad): reads p, g, s; writes p, s: 20 B/param.
 * - `gradientRead`: reads g alone (4 B/param), four streams per task (a quarter each; measured on the
 *   2-core VM, one stream reads ~10 % slower, eight no faster). Not an optimizer's pattern: what a
 *   step pays at least for reading every gradient once more before it writes anything (the finiteness
 *   check; bench.ts reports floor + this pass as the bound of such a step).
 * GC needs no extra DRAM bytes (its row sums can be taken in the same read), so it adds nothing here.
 *
 * Beside them, one pass that is not about memory: `sqrtDiv`, Adam's square root and division alone,
 * `m / (sqrt(v) + eps)` per element over a block that stays in L1 (every task reads the same 16 KiB of
 * m and of v), four independent chains interleaved as in the fast path's kernels. The reference's
 * rounding requires both operations on every element, so no Adam step can take less time than this
 * pass at the same thread count, whatever the memory does.
 */
export type FloorPattern = 'adam' | 'sgdMomentum' | 'gradientRead';
export type StreamPass = FloorPattern | 'sqrtDiv';
export const FLOOR_BYTES: Record<FloorPattern, number> = { adam: 28, sgdMomentum: 20, gradientRead: 4 };
const ARRAYS: Record<'adam' | 'sgdMomentum', number> = { adam: 4, sgdMomentum: 3 };
const KIND: Record<StreamPass, number> = { adam: 1, sgdMomentum: 2, gradientRead: 3, sqrtDiv: 4 };
/** The eps of the `sqrtDiv` pass (Adam's default). */
export const SQRT_DIV_EPS = 1e-8;
// the sqrtDiv block: 4096 floats of m and of v, read over and over (its offset wraps at this many bytes)
const SQRT_DIV_BLOCK_BYTES = 16384;

// one task = 8 i32: kind, p, g, a, b, len (elements, a multiple of 64), read result, –
const TASK_BYTES = 32;
/** Elements per task: as the fast path's update tasks (UPDATE_CHUNK; the floor is ~3 % faster than with 32768). */
export const FLOOR_TASK_LEN = 131072;
const TASK_LEN = FLOOR_TASK_LEN;
// one control block (ThreadPool's, 256 B) per thread count used: a block serves one pool for good
const CONTROL_OFFSET = 64;
const CONTROL_BYTES = 256;
const TABLE_OFFSET = 65536;

// 4 × f32x4 per array per iteration (one 64-byte line of each array)
const unrolled = (body: (off: number) => string) => [0, 16, 32, 48].map(body).join('\n');
// the OR of the 4 lanes of $seen into the task's slot 6 (what a test reads back: nothing optimized away)
const storeSeen = `(i32.store offset=24 (local.get $t) (i32.or
        (i32.or (i32x4.extract_lane 0 (local.get $seen)) (i32x4.extract_lane 1 (local.get $seen)))
        (i32.or (i32x4.extract_lane 2 (local.get $seen)) (i32x4.extract_lane 3 (local.get $seen)))))`;
// the read pattern: $q = len elements = 4·len bytes, so quarter k of the task's g starts at g + k·$q bytes;
// one line of each quarter per iteration; the OR of every bit read goes to the task's slot 6, so that
// nothing is optimized away and a test can see that every element was read
const quarters = [0, 1, 2, 3];
const gradientRead = `(local.set $end (i32.add (local.get $g) (local.get $q)))
      (local.set $seen (v128.const i32x4 0 0 0 0))
      (block $z (loop $r
        (br_if $z (i32.ge_u (local.get $g) (local.get $end)))
        ${quarters
          .map((k) =>
            unrolled(
              (o) => `(local.set $seen (v128.or (local.get $seen)
          (v128.load offset=${o} (i32.add (local.get $g) (i32.mul (local.get $q) (i32.const ${k}))))))`,
            ),
          )
          .join('\n')}
        (local.set $g (i32.add (local.get $g) (i32.const 64)))
        (br $r)))
      ${storeSeen}`;
// the sqrtDiv pass: m at $a, v at $b (the block's start, the same for every task), $q elements; the OR of
// the bits of every quotient goes to the task's slot 6, as the read pattern's bits do
const sqrtDiv = `(local.set $seen (v128.const i32x4 0 0 0 0)) (local.set $o (i32.const 0))
      (local.set $end (i32.shl (local.get $q) (i32.const 2)))
      (block $w (loop $d
        (br_if $w (i32.le_s (local.get $end) (i32.const 0)))
        ${unrolled(
          (o) => `(local.set $seen (v128.or (local.get $seen) (f32x4.div
          (v128.load offset=${o} (i32.add (local.get $a) (local.get $o)))
          (f32x4.add (f32x4.sqrt (v128.load offset=${o} (i32.add (local.get $b) (local.get $o)))) (local.get $eps)))))`,
        )}
        (local.set $o (i32.and (i32.add (local.get $o) (i32.const 64)) (i32.const ${SQRT_DIV_BLOCK_BYTES - 1})))
        (local.set $end (i32.sub (local.get $end) (i32.const 64)))
        (br $d)))
      ${storeSeen}`;
const WAT = `(module
(import "env" "memory" (memory 1 65536 shared))
(func (export "run") (param $table i32) (param $first i32) (param $last i32) (param $scr i32)
  (local $t i32) (local $kind i32) (local $p i32) (local $g i32) (local $a i32) (local $b i32) (local $end i32)
  (local $q i32) (local $gv v128) (local $half v128) (local $c v128) (local $seen v128) (local $o i32) (local $eps v128)
  (local.set $eps (f32x4.splat (f32.const ${SQRT_DIV_EPS})))
  (local.set $half (f32x4.splat (f32.const 0.5)))
  (local.set $c (f32x4.splat (f32.const -0.001)))
  (block $done (loop $tasks
    (br_if $done (i32.ge_u (local.get $first) (local.get $last)))
    (local.set $t (i32.add (local.get $table) (i32.shl (local.get $first) (i32.const 5))))
    (local.set $kind (i32.load (local.get $t)))
    (local.set $p (i32.load offset=4 (local.get $t)))
    (local.set $g (i32.load offset=8 (local.get $t)))
    (local.set $a (i32.load offset=12 (local.get $t)))
    (local.set $b (i32.load offset=16 (local.get $t)))
    (local.set $q (i32.load offset=20 (local.get $t)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 2))))
    (if (i32.eq (local.get $kind) (i32.const 4)) (then ${sqrtDiv}) (else
    (if (i32.eq (local.get $kind) (i32.const 3))
      (then ${gradientRead})
    (else (if (i32.eq (local.get $kind) (i32.const 1))
      (then (block $x (loop $l
        (br_if $x (i32.ge_u (local.get $p) (local.get $end)))
        ${unrolled(
          (o) => `(local.set $gv (v128.load offset=${o} (local.get $g)))
        (v128.store offset=${o} (local.get $a)
          (f32x4.add (f32x4.mul (v128.load offset=${o} (local.get $a)) (local.get $half)) (local.get $gv)))
        (v128.store offset=${o} (local.get $b)
          (f32x4.add (f32x4.mul (v128.load offset=${o} (local.get $b)) (local.get $half)) (local.get $gv)))
        (v128.store offset=${o} (local.get $p)
          (f32x4.add (v128.load offset=${o} (local.get $p)) (f32x4.mul (local.get $gv) (local.get $c))))`,
        )}
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $g (i32.add (local.get $g) (i32.const 64)))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $l))))
      (else (block $y (loop $m
        (br_if $y (i32.ge_u (local.get $p) (local.get $end)))
        ${unrolled(
          (o) => `(local.set $gv (v128.load offset=${o} (local.get $g)))
        (v128.store offset=${o} (local.get $a)
          (f32x4.add (f32x4.mul (v128.load offset=${o} (local.get $a)) (local.get $half)) (local.get $gv)))
        (v128.store offset=${o} (local.get $p)
          (f32x4.add (v128.load offset=${o} (local.get $p)) (f32x4.mul (local.get $gv) (local.get $c))))`,
        )}
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $g (i32.add (local.get $g) (i32.const 64)))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (br $m)))))))))
    (local.set $first (i32.add (local.get $first) (i32.const 1)))
    (br $tasks))))
)`;

let binary: Uint8Array | null = null;

/** The floor kernel assembled with wabt (once). */
async function floorBinary(): Promise<Uint8Array> {
  if (binary) return binary;
  // a dynamic import of the package (not createRequire) so that a bundler inlines it: the bench runs
  // bundled on machines without node_modules (benchmarks/gpu/pack-device-run.sh)
  const { default: wabtInit } = await import('wabt');
  const wabt = await wabtInit();
  const mod = wabt.parseWat('floor.wat', WAT, { simd: true, threads: true });
  try {
    binary = mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
  return binary;
}

/** The largest cache of this machine in bytes (Linux sysfs), or null when it cannot be read. */
export function lastLevelCacheBytes(): number | null {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    let best = 0;
    for (const entry of readdirSync(dir).filter((e) => e.startsWith('index'))) {
      const text = readFileSync(`${dir}/${entry}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)$/.exec(text);
      if (!m) continue;
      const bytes = Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'];
      best = Math.max(best, bytes);
    }
    return best || null;
  } catch {
    return null;
  }
}

export interface FloorResult {
  readonly pattern: FloorPattern;
  readonly threads: number;
  /** Elements per array streamed (≥ the set's size and ≥ 4× the last-level cache in all). */
  readonly elements: number;
  readonly bestMs: number;
  readonly medianMs: number;
  /** GB/s of the best and of the median run (10^9 B/s, the pattern's bytes per element). */
  readonly bestGbPerS: number;
  readonly medianGbPerS: number;
}

/** Floors measured over one set of arrays (the largest needed), reused for every pattern and thread count. */
export class StreamFloor {
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly bytes: Uint8Array,
    private readonly instance: WebAssembly.Instance,
    readonly elements: number,
    private readonly arraysAt: number[],
  ) {}

  /** The pool of each thread count (> 1) used so far, kept until `close`. */
  private readonly pools = new Map<number, ThreadPool>();

  private poolOf(threads: number): ThreadPool {
    let pool = this.pools.get(threads);
    if (!pool) {
      const control = CONTROL_OFFSET + this.pools.size * CONTROL_BYTES;
      if (control + CONTROL_BYTES > TABLE_OFFSET) throw new Error('stream floor: too many thread counts in one floor');
      pool = ThreadPool.start(threads - 1, this.bytes, this.memory, control);
      this.pools.set(threads, pool);
    }
    return pool;
  }

  /** The pattern the task table holds now. */
  private tablePattern: StreamPass | null = null;

  /**
   * Writes the task table for `pattern` (every task: its kind, its slice of each array; for `sqrtDiv` the
   * start of the m and v arrays, the block every task reads) unless it holds it.
   */
  private tableFor(pattern: StreamPass): void {
    if (this.tablePattern === pattern) return;
    const tasks = this.elements / TASK_LEN;
    const table = new Int32Array(this.memory.buffer, TABLE_OFFSET, tasks * (TASK_BYTES / 4));
    for (let j = 0; j < tasks; j++) {
      const r = j * (TASK_BYTES / 4);
      const off = pattern === 'sqrtDiv' ? 0 : j * TASK_LEN * 4;
      table[r] = KIND[pattern];
      for (let k = 0; k < 4; k++) table[r + 1 + k] = this.arraysAt[k] + off;
      table[r + 5] = TASK_LEN;
    }
    this.tablePattern = pattern;
  }

  /** Stops the floor's worker threads. */
  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  /**
   * Allocates 4 arrays of `elements` floats (rounded up to whole tasks), at least 4× `llcBytes`
   * across the arrays of the smaller pattern. Throws up front past WebAssembly's 4 GiB.
   */
  static async create(elements: number, llcBytes: number): Promise<StreamFloor> {
    const minimum = Math.ceil((4 * llcBytes) / (4 * ARRAYS.sgdMomentum));
    const n = Math.ceil(Math.max(elements, minimum) / TASK_LEN) * TASK_LEN;
    const tasks = n / TASK_LEN;
    const arraysAt: number[] = [];
    let at = Math.ceil((TABLE_OFFSET + tasks * TASK_BYTES) / 64) * 64;
    for (let k = 0; k < 4; k++, at += n * 4) arraysAt.push(at);
    const pages = Math.ceil(at / 65536);
    if (pages > 65536) {
      throw new RangeError(
        `stream floor: ${n.toLocaleString('en-US')} elements × 4 arrays need ${at} bytes, past WebAssembly's 4 GiB`,
      );
    }
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const bytes = await floorBinary();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { memory } });
    for (const base of arraysAt) new Float32Array(memory.buffer, base, n).fill(0.25); // fault the pages in
    return new StreamFloor(memory, bytes, instance, n, arraysAt);
  }

  /** The k-th streamed array (p, g, then the state arrays), for checking what the kernel wrote. */
  array(k: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.arraysAt[k], this.elements);
  }

  /**
   * Per task, the OR of the bits of every float the last `gradientRead` pass read (its slice of g), or of
   * every quotient the last `sqrtDiv` pass computed.
   */
  readBits(): Int32Array {
    const tasks = this.elements / TASK_LEN;
    const table = new Int32Array(this.memory.buffer, TABLE_OFFSET, tasks * (TASK_BYTES / 4));
    return Int32Array.from({ length: tasks }, (_, j) => table[j * (TASK_BYTES / 4) + 6]);
  }

  /**
   * `threads` threads ready to stream `pattern` (the floor's pool of that size, kept until `close`):
   * `pass()` runs one timed pass (ms). `measure` times a run of passes; the paired rounds
   * (pairedRatio.ts) interleave passes with optimizer steps.
   */
  session(pattern: StreamPass, threads: number): FloorSession {
    const n = this.elements;
    const tasks = n / TASK_LEN;
    const kernels = this.instance.exports as unknown as { run(t: number, f: number, l: number, s: number): void };
    const pool = threads > 1 ? this.poolOf(threads) : null;
    const scratch = new Array<number>(threads).fill(0);
    return {
      elements: n,
      pass: () => {
        this.tableFor(pattern); // sessions share the one task table: another one may have rewritten it
        const t0 = performance.now();
        if (pool) pool.run(kernels, TABLE_OFFSET, tasks, scratch);
        else kernels.run(TABLE_OFFSET, 0, tasks, 0);
        return performance.now() - t0;
      },
    };
  }

  /** Best and median of `reps` passes (after 2 untimed) of `pattern` on `threads` threads. */
  measure(pattern: FloorPattern, threads: number, reps = 11): FloorResult {
    const samples = this.passes(pattern, threads, reps);
    const best = Math.min(...samples);
    const med = median(samples);
    const gb = (ms: number) => (FLOOR_BYTES[pattern] * this.elements) / (ms * 1e6);
    return {
      pattern,
      threads,
      elements: this.elements,
      bestMs: best,
      medianMs: med,
      bestGbPerS: gb(best),
      medianGbPerS: gb(med),
    };
  }

  /** The ms of `reps` passes of `pattern` on `threads` threads, after 2 untimed ones. */
  passes(pattern: StreamPass, threads: number, reps: number): number[] {
    const session = this.session(pattern, threads);
    session.pass();
    session.pass();
    return Array.from({ length: reps }, () => session.pass());
  }
}

/** A floor pattern on a running pool: one timed pass at a time. */
export interface FloorSession {
  /** Elements per array one pass streams. */
  readonly elements: number;
  /** One pass; its wall time in ms. */
  pass(): number;
}
