import type { Reply, Request } from '../worker/protocol.js';

/**
 * The page's side of the training Worker: one request at a time, its progress messages to a
 * callback, its answer (or error) as a promise.
 */
export class WorkerClient {
  private readonly worker = new Worker(new URL('./worker.js', location.href), { type: 'module' });
  private pending: { resolve(r: Reply): void; reject(e: Error): void; onProgress?(r: Reply): void }[] = [];

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const head = this.pending[0];
      if (!head) return;
      if (e.data.type === 'progress') return head.onProgress?.(e.data);
      this.pending.shift();
      if (e.data.type === 'error') head.reject(new Error(e.data.message));
      else head.resolve(e.data);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`the training Worker failed: ${e.message}`));
    };
  }

  request(message: Request, onProgress?: (r: Reply) => void): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, onProgress });
      this.worker.postMessage(message);
    });
  }
}
