import { median } from './timing.js';

/**
 * Measured memory bandwidth of this machine for Node: a Float32Array copy (`set`) of `megabytes`,
 * far larger than the caches, counted as read + write. `gbPerS` is the best of `reps` copies (a
 * floor is what the machine can do; on a shared machine the median mostly measures the other
 * jobs), `medianGbPerS` the median. 10^9 bytes per GB.
 */
export function measureCopyBandwidth(megabytes = 256, reps = 15): { gbPerS: number; medianGbPerS: number; samples: number[] } {
  const n = (megabytes * 1024 * 1024) / 4;
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = i % 4096;
  const dst = new Float32Array(n);
  dst.set(src); // fault the pages in
  const samples: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    dst.set(src);
    samples.push(performance.now() - t0);
  }
  if (dst[n - 1] !== (n - 1) % 4096) throw new Error('copy check failed');
  const gb = (ms: number) => (2 * n * 4) / (ms * 1e6);
  return { gbPerS: gb(Math.min(...samples)), medianGbPerS: gb(median(samples)), samples };
}

/** The time to move `bytes` at `gbPerS`, in ms: the floor a memory-bound step cannot beat. */
export function floorMs(bytes: number, gbPerS: number): number {
  return bytes / (gbPerS * 1e6);
}
