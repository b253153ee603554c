/** Deterministic parameter initialization (mulberry32 generator; Glorot/He uniform ranges). */

export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** He-uniform values for a weight with `fanIn` inputs per output (suits ReLU networks). */
export function heUniform(random: () => number, count: number, fanIn: number): Float64Array {
  const limit = Math.sqrt(6 / fanIn);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = (2 * random() - 1) * limit;
  return values;
}
