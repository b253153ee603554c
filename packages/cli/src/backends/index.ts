import type { AsyncReplayBackend, DType } from '@gcopt/core';
import type * as Float32Module from '@gcopt/float32';
import { BackendUnavailableError, importOptional } from './backendUnavailable.js';
import { coreReplayBackend } from './coreBackend.js';
import { fastReplayBackend } from './fastBackend.js';
import { float32ReplayBackend } from './float32Backend.js';
import { gpuReplayBackend, type GpuMode } from './gpuBackend.js';
import { ortReplayBackend } from './ortBackend.js';
import { tfjsReplayBackend, type TfBackend } from './tfjsBackend.js';

export { BackendUnavailableError } from './backendUnavailable.js';

/** The backends `gcopt replay --backend` runs the golden files through. */
export const BACKEND_NAMES = [
  'core',
  'float32',
  'fast',
  'fast-js',
  'gpu-cpu',
  'gpu-webasm',
  'gpu-webgpu',
  'gpu-wgsl',
  'tfjs-host',
  'tfjs-tensor',
  'ort',
] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(x: string): x is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(x);
}

export interface BackendOptions {
  /** core: the in-place (default) or the pure step. */
  readonly mode?: 'in-place' | 'pure';
  /** fast: WebAssembly threads (default 1). */
  readonly threads?: number;
  /** tfjs-host, tfjs-tensor: the tf backend (default cpu). */
  readonly tfBackend?: TfBackend;
  /** float32, ort: @gcopt/float32's backend (default its own default, 'auto'). */
  readonly float32Backend?: Float32Module.Float32Backend;
}

export interface LoadedBackend {
  /** e.g. `fast (wasm, 2 threads)`. */
  readonly label: string;
  readonly replay: AsyncReplayBackend;
  /**
   * The precisions the backend computes in: float64 recordings replay only where it computes in
   * float64 (core, fast-js); every other backend is float32 and replays the float32 recording.
   */
  readonly dtypes: readonly DType[];
}

const FLOAT32_ONLY: readonly DType[] = ['float32'];
const BOTH: readonly DType[] = ['float64', 'float32'];

/** Loads a backend, or throws a BackendUnavailableError saying why it cannot run here. */
export async function loadBackend(name: BackendName, options: BackendOptions = {}): Promise<LoadedBackend> {
  const float32 = () => importOptional<typeof Float32Module>('@gcopt/float32', name);
  switch (name) {
    case 'core': {
      const mode = options.mode ?? 'in-place';
      return { label: `core (${mode})`, replay: coreReplayBackend(mode), dtypes: BOTH };
    }
    case 'float32': {
      const label = `float32 (backend ${options.float32Backend ?? 'auto'})`;
      return { label, replay: float32ReplayBackend(await float32(), options.float32Backend), dtypes: FLOAT32_ONLY };
    }
    case 'fast':
    case 'fast-js': {
      const fast = await importOptional<typeof import('@gcopt/core/fast')>('@gcopt/core/fast', name);
      if (name === 'fast-js') return { label: 'fast (js)', replay: fastReplayBackend(fast, 'js'), dtypes: BOTH };
      const threads = options.threads ?? 1;
      const label = `fast (wasm, ${threads} thread${threads === 1 ? '' : 's'})`;
      return { label, replay: fastReplayBackend(fast, 'wasm', threads), dtypes: FLOAT32_ONLY };
    }
    case 'gpu-cpu':
    case 'gpu-webasm':
    case 'gpu-webgpu':
    case 'gpu-wgsl': {
      const gpu = await importOptional<typeof import('@gcopt/core/gpu')>('@gcopt/core/gpu', name);
      const mode = name.slice('gpu-'.length) as GpuMode;
      return { label: `gpu (${mode})`, replay: await gpuReplayBackend(gpu, mode), dtypes: FLOAT32_ONLY };
    }
    case 'tfjs-host':
    case 'tfjs-tensor': {
      const stepBackend = name === 'tfjs-host' ? 'host' : 'tensor';
      const tfBackend = options.tfBackend ?? 'cpu';
      const label = `tfjs ${stepBackend} (${tfBackend})`;
      return { label, replay: await tfjsReplayBackend(stepBackend, tfBackend), dtypes: FLOAT32_ONLY };
    }
    case 'ort': {
      const label = `ort (onnxruntime-node, float32 backend ${options.float32Backend ?? 'auto'})`;
      const replay = await ortReplayBackend(await float32(), options.float32Backend);
      return { label, replay, dtypes: FLOAT32_ONLY };
    }
    default:
      throw new BackendUnavailableError(`unknown backend ${String(name)}`);
  }
}
