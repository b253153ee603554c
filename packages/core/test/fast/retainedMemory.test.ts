import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Adam_GC } from '../../src/index.js';
import { createFastOptimizerSync } from '../../src/fast/index.js';

// After creation, a fast optimizer should hold its numbers only in its WebAssembly memory: the initial
// values and the core's initial state it was filled from must become garbage (they once stayed reachable
// through a closure: 4 B/param and more beside the memory).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

describe('memory kept after creation', () => {
  it('is the WebAssembly memory and not its initial copies (< 0.1 B/param of other buffers)', () => {
    const params = 4 * 2 ** 20;
    const init = new Float32Array(2 ** 20).fill(0.5);
    collect();
    const before = process.memoryUsage().arrayBuffers;
    const fast = createFastOptimizerSync(
      Adam_GC({ lr: 1e-3 }),
      Array.from({ length: 4 }, () => ({ shape: [1024, 1024], init })),
      { threads: 1 },
    );
    collect();
    collect();
    const kept = process.memoryUsage().arrayBuffers - before;
    expect(fast.backend).toBe('wasm-simd');
    expect(kept / params).toBeLessThan(0.1);
    fast.dispose();
  });
});
