import { BACKEND_PREFERENCE, type BackendMode } from './backendMode.js';
import { loadGpuJs, provideNavigatorGpu } from './loadGpuJs.js';

export interface BackendProbe {
  readonly mode: BackendMode;
  readonly available: boolean;
  /** Why it is (adapter name, software or not) or is not (no adapter, no GL context…) usable. */
  readonly reason: string;
}

export interface BackendChoice {
  /** The first available mode of the preference list. */
  readonly mode: BackendMode;
  /** Every mode tried, in order, with its reason: the explanation of the choice. */
  readonly probes: readonly BackendProbe[];
  /** One line per probe, e.g. `webgpu: no adapter (…)`, then `→ chose webasm`. */
  readonly explanation: string;
}

/** Whether one mode can run here, and why (or why not). */
export async function probeBackend(mode: BackendMode): Promise<BackendProbe> {
  if (mode === 'js') return { mode, available: true, reason: 'typed-array path of @gcopt/core, always available' };
  if (mode === 'wgsl') {
    const adapter = await probeAdapter();
    if (!adapter.available) return { mode, ...adapter };
    return { mode, available: true, reason: `hand-written WGSL, one fused pass per step, on ${adapter.reason}` };
  }
  let GPU;
  try {
    ({ GPU } = await loadGpuJs());
  } catch (e) {
    return { mode, available: false, reason: (e as Error).message };
  }
  switch (mode) {
    case 'webgpu': {
      return { mode, ...(await probeAdapter()) };
    }
    case 'webgl2':
      return GPU.isWebGL2Supported
        ? { mode, available: true, reason: 'WebGL 2 context available' }
        : { mode, available: false, reason: 'no WebGL 2 context (not a browser, or WebGL 2 disabled)' };
    case 'webgl':
      return GPU.isWebGLSupported
        ? { mode, available: true, reason: 'WebGL context available' }
        : { mode, available: false, reason: 'no WebGL context (not a browser, or WebGL disabled)' };
    case 'headlessgl':
      return GPU.isHeadlessGLSupported
        ? { mode, available: true, reason: 'headless-gl (the `gl` package) created a context' }
        : { mode, available: false, reason: "headless-gl unavailable (the optional `gl` package is not built, or no GL/X display)" };
    case 'webasm':
      return GPU.isWebAssemblySupported
        ? { mode, available: true, reason: 'WebAssembly available' }
        : { mode, available: false, reason: 'WebAssembly unavailable' };
    case 'cpu':
      return { mode, available: true, reason: "gpu.js 'cpu' mode (transpiled JavaScript), always available" };
  }
}

/** Whether `navigator.gpu` (Dawn in Node) gives an adapter, and which (or why not). */
async function probeAdapter(): Promise<{ available: boolean; reason: string }> {
  const missing = await provideNavigatorGpu();
  if (missing) return { available: false, reason: missing };
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator.gpu;
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { available: false, reason: `requestAdapter() failed: ${(e as Error).message}` };
  }
  if (!adapter) {
    return {
      available: false,
      reason:
        'navigator.gpu.requestAdapter() returned no adapter (no Vulkan/Metal/D3D12 device; on Linux without a GPU, ' +
        "Mesa ≥ 25 lavapipe gives a software one: see packages/core/scripts/provision-lavapipe.sh)",
    };
  }
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const software = adapter.isFallbackAdapter || info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(name);
  return { available: true, reason: `adapter ${name}${software ? ' (software fallback adapter)' : ''}` };
}

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * Picks the best available backend of `preference` (default: wgsl, webgpu, webgl2, headlessgl, webgl,
 * webasm, js, cpu) and says why each better one was passed over.
 */
export async function chooseBackend(preference: readonly BackendMode[] = BACKEND_PREFERENCE): Promise<BackendChoice> {
  const probes: BackendProbe[] = [];
  for (const mode of preference) {
    const probe = await probeBackend(mode);
    probes.push(probe);
    if (probe.available) {
      const explanation = [...probes.map((p) => `${p.mode}: ${p.available ? 'yes' : 'no'} (${p.reason})`), `→ chose ${mode}`].join('\n');
      return { mode, probes, explanation };
    }
  }
  throw new Error(`no backend of [${preference}] is available:\n${probes.map((p) => `${p.mode}: ${p.reason}`).join('\n')}`);
}
