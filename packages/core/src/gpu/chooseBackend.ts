import { BACKEND_PREFERENCE, type DeviceBackend } from './backendMode.js';
import { loadGpuJs, provideNavigatorGpu } from './loadGpuJs.js';

/** Whether one backend can run here, with the reason. */
export interface BackendProbe {
  readonly backend: DeviceBackend;
  readonly available: boolean;
  /** Why it is (adapter name, software or not) or is not (no adapter, no GL context…) usable. */
  readonly reason: string;
}

/** What `chooseBackend` picked, and why the backends before it were passed over. */
export interface BackendChoice {
  /** The first available backend of the preference list. */
  readonly backend: DeviceBackend;
  /** Every backend tried, in order, with its reason: the explanation of the choice. */
  readonly probes: readonly BackendProbe[];
  /** One line per probe, e.g. `webgpu: no adapter (…)`, then `→ chose webasm`. */
  readonly explanation: string;
}

/** Whether one backend can run here, and why (or why not). */
export async function probeBackend(backend: DeviceBackend): Promise<BackendProbe> {
  if (backend === 'js')
    return { backend, available: true, reason: 'typed-array path of @gcopt/core, always available' };
  if (backend === 'wgsl') {
    const adapter = await probeAdapter();
    if (!adapter.available) return { backend, ...adapter };
    return { backend, available: true, reason: `hand-written WGSL, one fused pass per step, on ${adapter.reason}` };
  }
  let GPU;
  try {
    ({ GPU } = await loadGpuJs());
  } catch (e) {
    return { backend, available: false, reason: (e as Error).message };
  }
  switch (backend) {
    case 'webgpu': {
      return { backend, ...(await probeAdapter()) };
    }
    case 'webgl2':
      return GPU.isWebGL2Supported
        ? { backend, available: true, reason: 'WebGL 2 context available' }
        : { backend, available: false, reason: 'no WebGL 2 context (not a browser, or WebGL 2 disabled)' };
    case 'webgl':
      return GPU.isWebGLSupported
        ? { backend, available: true, reason: 'WebGL context available' }
        : { backend, available: false, reason: 'no WebGL context (not a browser, or WebGL disabled)' };
    case 'headlessgl':
      return GPU.isHeadlessGLSupported
        ? { backend, available: true, reason: 'headless-gl (the `gl` package) created a context' }
        : {
            backend,
            available: false,
            reason: 'headless-gl unavailable (the optional `gl` package is not built, or no GL/X display)',
          };
    case 'webasm':
      return GPU.isWebAssemblySupported
        ? { backend, available: true, reason: 'WebAssembly available' }
        : { backend, available: false, reason: 'WebAssembly unavailable' };
    case 'cpu':
      return { backend, available: true, reason: "gpu.js 'cpu' mode (transpiled JavaScript), always available" };
  }
}

/** Whether `navigator.gpu` (Dawn in Node) gives an adapter, and which (or why not). */
async function probeAdapter(): Promise<{ available: boolean; reason: string }> {
  const missing = await provideNavigatorGpu();
  if (missing) return { available: false, reason: missing };
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<AdapterLike | null> } } })
    .navigator.gpu;
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
        'Mesa ≥ 25 lavapipe gives a software one: see packages/core/scripts/provision-lavapipe.sh)',
    };
  }
  const info = adapter.info ?? {};
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const software = adapter.isFallbackAdapter || info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(name);
  return { available: true, reason: `adapter ${name}${software ? ' (software fallback adapter)' : ''}` };
}

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
}

/**
 * Picks the best available backend of `preference` (default: wgsl, webgpu, webgl2, headlessgl, webgl,
 * webasm, js, cpu) and says why each better one was passed over.
 */
export async function chooseBackend(preference: readonly DeviceBackend[] = BACKEND_PREFERENCE): Promise<BackendChoice> {
  const probes: BackendProbe[] = [];
  for (const backend of preference) {
    const probe = await probeBackend(backend);
    probes.push(probe);
    if (probe.available) {
      const explanation = [
        ...probes.map((p) => `${p.backend}: ${p.available ? 'yes' : 'no'} (${p.reason})`),
        `→ chose ${backend}`,
      ].join('\n');
      return { backend, probes, explanation };
    }
  }
  throw new Error(
    `no backend of [${preference}] is available:\n${probes.map((p) => `${p.backend}: ${p.reason}`).join('\n')}`,
  );
}
