import type { KernelExports } from '../wasm/loadKernels.js';
import { browserWorkerThreads } from './browserWorkers.js';

/**
 * Worker threads that run the same WebAssembly kernels over one shared memory. Node only (uses
 * `node:worker_threads`, loaded lazily so the module stays importable in a browser, where the fast
 * path runs on one thread).
 *
 * Hand-off is through an Int32 control block inside the shared memory: the host writes the task
 * table and count, bumps the generation word and notifies; every thread, the host included, takes
 * tasks one at a time from a shared counter (Atomics.add) until none are left, and workers count
 * the finished tasks. The host returns as soon as every task is finished, whether or not a worker
 * has woken up at all, so a descheduled worker (a shared machine) never holds a step: at worst the
 * host does all the work. The task counter carries the generation, so a worker that wakes late
 * cannot take a task of the next run. Each task is whole rows, so who runs it changes no result.
 */
export const CONTROL_INTS = 64;
const GEN = 0;
const STOP = 1;
const TABLE = 3;
const FAILED = 4;
const READY = 5;
const NEXT = 6; // (generation tag << 20) | the next task to take
const COUNT = 7; // tasks in this run
const COMPLETED = 9; // tasks finished in this run
const SCRATCH = 16; // per worker: its scratch row
const TAG_SHIFT = 20; // at most 2^20 tasks per run
const TAG_MASK = 0x7ff; // 11-bit generation tag: the word stays a positive int32

// Runs in each worker (CommonJS, via `eval: true`, so no file has to be found at run time).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { bytes, memory, control, slot } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
let gen = Atomics.load(ctl, ${GEN});
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
for (;;) {
  Atomics.wait(ctl, ${GEN}, gen);
  gen = Atomics.load(ctl, ${GEN});
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const tag = gen & ${TAG_MASK};
  const table = Atomics.load(ctl, ${TABLE});
  const count = Atomics.load(ctl, ${COUNT});
  const scratch = ctl[${SCRATCH} + slot];
  for (;;) {
    // take a task only from this generation's run: a worker that woke late must not touch the next
    const v = Atomics.load(ctl, ${NEXT});
    if ((v >>> ${TAG_SHIFT}) !== tag) break;
    const i = v & ${(1 << 20) - 1};
    if (i >= count) break;
    if (Atomics.compareExchange(ctl, ${NEXT}, v, v + 1) !== v) continue;
    try {
      instance.exports.run(table, i, i + 1, scratch);
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.add(ctl, ${COMPLETED}, 1);
    Atomics.notify(ctl, ${COMPLETED});
  }
}
`;

interface NodeWorker {
  terminate(): Promise<number>;
  unref(): void;
}

export class ThreadPool {
  private closed = false;
  private constructor(
    private readonly ctl: Int32Array,
    private readonly workers: NodeWorker[],
  ) {}

  /** Whether worker threads can be started here (Node's worker_threads). */
  static available(): boolean {
    return workerThreads() !== null;
  }

  /**
   * Starts `count` workers instantiating `bytes` over `memory` and waits (blocking, up to 60 s) until
   * all are ready, so an optimizer can be made synchronously.
   */
  static start(count: number, bytes: Uint8Array, memory: WebAssembly.Memory, controlOffset: number): ThreadPool {
    const wt = workerThreads();
    if (!wt) throw new Error('worker threads are not available in this environment');
    const ctl = new Int32Array(memory.buffer, controlOffset, CONTROL_INTS);
    // a control block serves one pool for good: a closed pool leaves STOP set (a new pool's workers
    // would stop at their first run, leaving all work to the host) and READY counted (start would not
    // wait for the new workers), and its workers may still be exiting
    if (Atomics.load(ctl, READY) !== 0 || Atomics.load(ctl, STOP) !== 0) {
      throw new Error(
        `controlOffset ${controlOffset}: this control block already served a thread pool; give each pool its own`,
      );
    }
    const workers: NodeWorker[] = [];
    for (let slot = 0; slot < count; slot++) {
      workers.push(
        new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { bytes, memory, control: controlOffset, slot },
        }) as NodeWorker,
      );
    }
    const deadline = Date.now() + 60_000;
    let ready: number;
    while ((ready = Atomics.load(ctl, READY)) < count) {
      if (Date.now() > deadline || Atomics.wait(ctl, READY, ready, 60_000) === 'timed-out') {
        for (const w of workers) void w.terminate();
        throw new Error(`only ${Atomics.load(ctl, READY)} of ${count} worker threads started within 60 s`);
      }
    }
    // blocked workers must not keep the process alive
    for (const w of workers) w.unref();
    return new ThreadPool(ctl, workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs tasks [0, count) of the table at `table` on all threads (`scratch[0]` is this thread's
   * scratch row, `scratch[k]` worker k−1's). Returns when all are done.
   */
  run(kernels: KernelExports, table: number, count: number, scratch: readonly number[]): void {
    if (this.closed) throw new Error('the thread pool was disposed');
    const ctl = this.ctl;
    const n = this.workers.length;
    if (count >= 1 << TAG_SHIFT) throw new Error(`too many tasks for one run: ${count}`);
    const gen = (Atomics.load(ctl, GEN) + 1) | 0;
    const tag = (gen & TAG_MASK) << TAG_SHIFT;
    // NEXT first: a late worker of the previous run sees the new tag and stops before reading the rest
    Atomics.store(ctl, NEXT, tag);
    Atomics.store(ctl, COMPLETED, 0);
    Atomics.store(ctl, TABLE, table);
    Atomics.store(ctl, COUNT, count);
    for (let k = 0; k < n; k++) ctl[SCRATCH + k] = scratch[k + 1];
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    for (;;) {
      const i = Atomics.add(ctl, NEXT, 1) - tag;
      if (i >= count) break;
      kernels.run(table, i, i + 1, scratch[0]);
      Atomics.add(ctl, COMPLETED, 1);
    }
    let done: number;
    while ((done = Atomics.load(ctl, COMPLETED)) < count) Atomics.wait(ctl, COMPLETED, done);
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error('a worker thread failed while running the fused kernels');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) void w.terminate();
  }
}

type WorkerThreads = { Worker: new (source: string, options: object) => unknown };

/** node:worker_threads, loaded synchronously (Node ≥ 20.16), or prestarted browser Workers, or null. */
function workerThreads(): WorkerThreads | null {
  return nodeBuiltin<WorkerThreads>('node:worker_threads') ?? browserWorkerThreads();
}

export function nodeBuiltin<T>(id: string): T | null {
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') return null;
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return get ? ((get(id) as T | undefined) ?? null) : null;
  } catch {
    return null;
  }
}
