import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../../src/fast/index.js';
import { kernelBytes } from '../../src/fast/wasm/loadKernels.js';

describe('ThreadPool control blocks', () => {
  it('refuses a control block that already served a pool, naming it (its workers would stop at once)', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const first = ThreadPool.start(1, kernelBytes(true), memory, 256);
    first.close();
    expect(() => ThreadPool.start(1, kernelBytes(true), memory, 256)).toThrow(
      /controlOffset 256: this control block already served a thread pool/,
    );
    // a block of its own is fine, beside the used one
    const second = ThreadPool.start(1, kernelBytes(true), memory, 512);
    expect(second.size).toBe(1);
    second.close();
  });
});
