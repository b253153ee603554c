import { median } from './timing.js';

/**
 * Measured memory bandwidth of this machine for Node: a Float32Array copy (`set`) of `megabytes`,
 * far larger than the caches, counted as read + write. Returns GB/s (10^9 bytes) of the median copy.
 */
export function measureCopyBandwidth(megabytes = 256, reps = 9): { gbPerS: number; samples: number[] } {
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
  return { gbPerS: (2 * n * 4) / (median(samples) * 1e6), samples };
}

/** The time to move `bytes` at `gbPerS`, in ms: the floor a memory-bound step cannot beat. */
export function floorMs(bytes: number, gbPerS: number): number {
  return bytes / (gbPerS * 1e6);
}
