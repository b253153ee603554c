/**
 * Whether two float32 arrays hold the same bits, element by element (NaN payloads and ±0 told apart), in
 * a plain loop: `toEqual` walks typed arrays of a million elements for seconds each.
 */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
