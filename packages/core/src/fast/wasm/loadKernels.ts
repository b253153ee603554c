import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernelsBinary.js';

/** The kernels' one export: runs tasks [first, last) of the task table at `table` (byte offsets). */
export interface KernelExports {
  run(table: number, first: number, last: number, scratch: number): void;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The kernel binary for a shared (threads) or unshared memory. */
export function kernelBytes(shared: boolean): Uint8Array {
  return decodeBase64(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64);
}

// The smallest module using an f32x4 instruction: (func (result v128) (f32x4.splat (f32.const 0))).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 11, 1, 9, 0, 67, 0, 0, 0, 0, 253, 19, 11,
]);

/** WebAssembly with the SIMD proposal (Node ≥ 16, every current browser). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * A shared WebAssembly memory can be made: SharedArrayBuffer exists (in browsers only on
 * cross-origin-isolated pages).
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

const modules = new Map<boolean, WebAssembly.Module>();

/** Compiles (once) the kernels asynchronously; `kernelModule` then returns them without blocking. */
export async function compileKernels(shared: boolean): Promise<WebAssembly.Module> {
  let m = modules.get(shared);
  if (!m) {
    m = await WebAssembly.compile(kernelBytes(shared) as BufferSource);
    modules.set(shared, m);
  }
  return m;
}

/** The compiled kernels, compiling synchronously if `compileKernels` has not run. */
export function kernelModule(shared: boolean): WebAssembly.Module {
  let m = modules.get(shared);
  if (!m) {
    m = new WebAssembly.Module(kernelBytes(shared) as BufferSource);
    modules.set(shared, m);
  }
  return m;
}
