import { Adam_GC2 } from '@gcopt/core';
import { chooseBackend, createDeviceOptimizer, type DeviceBackend } from '@gcopt/core/gpu';
import { sharedMemorySupported, wasmSimdSupported } from '@gcopt/core/fast';

/** What this browser offers the engines, and why each engine runs where it does. */
export interface BackendReport {
  readonly crossOriginIsolated: boolean;
  readonly cores: number;
  readonly wasmSimd: boolean;
  readonly sharedMemory: boolean;
  /** Threads the fast path and ONNX Runtime get: 2 under cross-origin isolation (with 2+ cores), else 1. */
  readonly threads: number;
  readonly webgl: string;
  /** The WebGPU adapter (vendor, architecture, description), or why there is none. */
  readonly webgpu: { readonly available: boolean; readonly detail: string };
  /** gpu.js's choice for the device optimizer, with every mode it tried. */
  readonly gpujs: { readonly mode: DeviceBackend; readonly explanation: string };
  /** gpu.js on WebGL 2 when the choice did not get that far: null (it works), or why not. */
  readonly gpujsWebgl2: string | null;
  /** The tfjs backend used, and why. */
  readonly tfjs: { readonly backend: string; readonly why: string };
  readonly notes: readonly string[];
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string };
  isFallbackAdapter?: boolean;
}

export async function webgpuAdapter(): Promise<{ available: boolean; detail: string }> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu)
    return { available: false, detail: 'navigator.gpu is missing (no WebGPU in this browser, or it is disabled)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { available: false, detail: `requestAdapter() failed: ${(e as Error).message}` };
  }
  if (!adapter) return { available: false, detail: 'navigator.gpu exists but requestAdapter() returned no adapter' };
  const i = adapter.info ?? {};
  const parts = [i.vendor, i.architecture, i.device, i.description].filter((s) => s);
  return {
    available: true,
    detail: `${parts.join(' / ') || 'unnamed adapter'}${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}`,
  };
}

export function webglRenderer(): string {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas: no WebGL in a Worker';
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return 'no WebGL context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  const version = gl.getParameter(gl.VERSION);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return `${version}, ${renderer}`;
}

/**
 * One Adam_GC2 step of the device optimizer on `mode` over a small tensor, read back and compared
 * with the core's typed-array path: null, or why the mode cannot train here.
 */
export async function deviceSelfTest(mode: DeviceBackend): Promise<string | null> {
  const data = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const grad = Float32Array.from({ length: 12 }, (_, i) => Math.cos(3 * i));
  const read = async (m: DeviceBackend) => {
    const opt = await createDeviceOptimizer(Adam_GC2({ lr: 0.1 }), [{ shape: [3, 4], data: data.slice() }], {
      backend: m,
    });
    try {
      await opt.step([grad]);
      await opt.step([grad]);
      return (await opt.readParams())[0];
    } finally {
      opt.dispose();
    }
  };
  try {
    const [got, want] = [await read(mode), await read('js')];
    const worst = Math.max(...want.map((w, i) => Math.abs(got[i] - w) / Math.max(1, Math.abs(w))));
    return worst <= 1e-5 ? null : `differs from the core by ${worst.toExponential(2)} after 2 steps`;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/**
 * gpu.js's first mode (webgpu, webgl2, webgl, webasm) that is available and passes `deviceSelfTest`,
 * with the reasons.
 */
async function gpujsMode(): Promise<{ mode: DeviceBackend; explanation: string }> {
  const choice = await chooseBackend(['webgpu', 'webgl2', 'webgl', 'webasm', 'js']);
  const lines: string[] = [];
  for (const p of choice.probes) {
    if (!p.available) {
      lines.push(`${p.backend}: no (${p.reason})`);
      continue;
    }
    const failure = p.backend === 'js' ? null : await deviceSelfTest(p.backend);
    if (!failure)
      return {
        mode: p.backend,
        explanation: [...lines, `${p.backend}: yes (${p.reason}) → chose ${p.backend}`].join('\n'),
      };
    lines.push(`${p.backend}: available but a 2-step self-test failed: ${failure}`);
  }
  return { mode: 'js', explanation: lines.join('\n') };
}

/** Probes everything once, in the Worker the engines run in. `tfjs` is filled in by the caller. */
export async function probeBackends(): Promise<Omit<BackendReport, 'tfjs'>> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  const shared = sharedMemorySupported();
  const notes: string[] = [];
  if (!isolated)
    notes.push('not cross-origin isolated (the server sends no COOP/COEP): no SharedArrayBuffer, so one thread');
  else if (cores < 2) notes.push('one core: one thread');
  const gpujs = await gpujsMode();
  const webgl2Line = gpujs.explanation.split('\n').find((l) => l.startsWith('webgl2:'));
  const gpujsWebgl2 = webgl2Line
    ? webgl2Line.includes(': yes')
      ? null
      : webgl2Line.slice(8)
    : await deviceSelfTest('webgl2');
  return {
    crossOriginIsolated: isolated,
    cores,
    wasmSimd: wasmSimdSupported(),
    sharedMemory: shared,
    threads: isolated && shared && cores >= 2 ? 2 : 1,
    webgl: webglRenderer(),
    webgpu: await webgpuAdapter(),
    gpujs: { mode: gpujs.mode, explanation: gpujs.explanation },
    gpujsWebgl2,
    notes,
  };
}
