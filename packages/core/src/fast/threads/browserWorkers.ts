/**
 * The fast path's worker threads in a browser: dedicated Workers standing in for Node's
 * `worker_threads.Worker`, running the same worker source over the same shared memory.
 *
 * A browser starts a Worker only once the thread that created it returns to its event loop, while
 * `ThreadPool.start` blocks until its workers are ready. So the Workers are started ahead
 * (`prestartBrowserWorkers`, awaited by `createFastOptimizer`) and wait idle; starting the pool hands
 * each one the worker source and its `workerData` by message. Only where blocking waits are allowed
 * (inside a Worker; a page's main thread refuses `Atomics.wait`) and memory can be shared (the page
 * is cross-origin isolated); elsewhere nothing is started and the fast path runs on one thread.
 */

// Gets a MessagePort, then runs the pool's CommonJS worker source with a `require` that answers only
// `workerData`. The pool's data comes through the port: Chromium delivers a Worker's own postMessage
// only once the sender returns to its event loop, but a port's message while the sender blocks.
const BOOT = `onmessage = (e) => {
  onmessage = null;
  const port = e.data;
  port.onmessage = (m) => {
    port.close();
    const { source, workerData } = m.data;
    new Function('require', source)(() => ({ workerData }));
  };
  postMessage('ready');
};`;

interface Port {
  postMessage(message: unknown): void;
  close(): void;
}
interface BrowserWorker {
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): void;
  onmessage: ((e: unknown) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}
type WorkerConstructor = new (url: string) => BrowserWorker;

const idle: { worker: BrowserWorker; port: Port }[] = [];

/** Whether Workers can serve as the fast path's threads here. */
export function browserWorkersPossible(): boolean {
  const g = globalThis as {
    Worker?: unknown;
    WorkerGlobalScope?: unknown;
    crossOriginIsolated?: boolean;
    process?: unknown;
  };
  const inWorker =
    typeof g.WorkerGlobalScope === 'function' && globalThis instanceof (g.WorkerGlobalScope as new () => object);
  return (
    inWorker &&
    typeof g.Worker === 'function' &&
    g.crossOriginIsolated === true &&
    typeof SharedArrayBuffer === 'function'
  );
}

/** Starts Workers until `count` wait idle (none where `browserWorkersPossible()` is false). */
export async function prestartBrowserWorkers(count: number): Promise<void> {
  if (idle.length >= count || !browserWorkersPossible()) return;
  const WorkerClass = (globalThis as unknown as { Worker: WorkerConstructor }).Worker;
  const url = URL.createObjectURL(new Blob([BOOT], { type: 'text/javascript' }));
  try {
    while (idle.length < count) {
      const worker = new WorkerClass(url);
      const channel = new MessageChannel();
      await new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (e) =>
          reject(new Error(`a fast-path worker failed to start: ${e.message ?? 'unknown error'}`));
        worker.postMessage(channel.port2, [channel.port2]);
      });
      worker.onmessage = null;
      worker.onerror = null;
      idle.push({ worker, port: channel.port1 });
    }
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** `worker_threads`' Worker over the prestarted Workers, or null when none is waiting. */
export function browserWorkerThreads(): { Worker: new (source: string, options: object) => unknown } | null {
  if (idle.length === 0) return null;
  return {
    Worker: class {
      private readonly worker: BrowserWorker;
      constructor(source: string, options: object) {
        const started = idle.shift();
        if (!started)
          throw new Error(
            'no prestarted Worker left for the fast path (createFastOptimizer starts them; the sync variant cannot)',
          );
        started.port.postMessage({ source, workerData: (options as { workerData?: unknown }).workerData });
        this.worker = started.worker;
      }
      terminate(): Promise<number> {
        this.worker.terminate();
        return Promise.resolve(0);
      }
      unref(): void {}
    },
  };
}
