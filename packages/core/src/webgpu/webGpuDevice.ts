import { provideNavigatorGpu } from '../gpu/loadGpuJs.js';
import type { GpuAdapter, GpuDevice } from './gpuTypes.js';

export interface AcquiredDevice {
  readonly device: GpuDevice;
  /** Vendor, architecture, device and description of the adapter, e.g. `mesa llvmpipe …`. */
  readonly adapterName: string;
  /** A software (CPU) implementation such as lavapipe or SwiftShader. */
  readonly software: boolean;
}

/** Devices `acquireWebGpuDevice` made on a software adapter (a device does not say its adapter everywhere). */
const softwareDevices = new WeakSet<GpuDevice>();

/** Whether `device` runs on a software adapter: made here on lavapipe/SwiftShader, or its adapter info says so. */
export function isSoftwareDevice(device: GpuDevice): boolean {
  if (softwareDevices.has(device)) return true;
  const info = (
    device as {
      adapterInfo?: {
        vendor?: string;
        architecture?: string;
        device?: string;
        description?: string;
        isFallbackAdapter?: boolean;
      };
    }
  ).adapterInfo;
  if (!info) return false;
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return !!info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(name);
}

/**
 * A WebGPU device from `navigator.gpu` (in Node: Dawn from the optional `webgpu` package), with the
 * adapter's largest storage-binding and buffer sizes requested, so single tensors past the default
 * 128 MiB binding limit fit.
 */
export async function acquireWebGpuDevice(): Promise<AcquiredDevice> {
  const missing = await provideNavigatorGpu();
  if (missing) throw new Error(`WebGPU unavailable: ${missing}`);
  const gpu = (
    globalThis as unknown as { navigator: { gpu: { requestAdapter(o?: unknown): Promise<GpuAdapter | null> } } }
  ).navigator.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'WebGPU unavailable: navigator.gpu.requestAdapter() returned no adapter (on Linux without a GPU, ' +
        'Mesa lavapipe gives a software one: see packages/core/scripts/provision-lavapipe.sh)',
    );
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info ?? {};
  const adapterName =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const software = !!(
    adapter.isFallbackAdapter ||
    info.isFallbackAdapter ||
    /llvmpipe|lavapipe|swiftshader/i.test(adapterName)
  );
  if (software) softwareDevices.add(device);
  return { device, adapterName, software };
}
