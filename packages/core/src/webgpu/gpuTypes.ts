/**
 * The few WebGPU interfaces this module uses, typed structurally: the core does not depend on
 * `@webgpu/types`, and any conforming implementation (a browser's `navigator.gpu`, Dawn in Node)
 * fits. Descriptors stay loose on purpose; WebGPU validates them itself.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface GpuBuffer {
  readonly size: number;
  readonly usage: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuQueue {
  submit(commandBuffers: readonly unknown[]): void;
  writeBuffer(
    buffer: GpuBuffer,
    offset: number,
    data: ArrayBufferView | ArrayBuffer,
    dataOffset?: number,
    size?: number,
  ): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GpuComputePass {
  setPipeline(pipeline: unknown): void;
  setBindGroup(index: number, group: unknown, dynamicOffsets?: readonly number[]): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(descriptor?: any): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
  finish(): unknown;
}

export interface GpuDevice {
  readonly queue: GpuQueue;
  readonly limits: Record<string, number>;
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): {
    getCompilationInfo?(): Promise<{ messages: readonly any[] }>;
  };
  createComputePipeline(descriptor: any): unknown;
  createComputePipelineAsync?(descriptor: any): Promise<unknown>;
  createBindGroupLayout(descriptor: any): unknown;
  createPipelineLayout(descriptor: any): unknown;
  createBindGroup(descriptor: any): unknown;
  createCommandEncoder(descriptor?: any): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}

export interface GpuAdapter {
  readonly limits: Record<string, number>;
  readonly isFallbackAdapter?: boolean;
  readonly info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  requestDevice(descriptor?: any): Promise<GpuDevice>;
}

/** WebGPU's usage and map-mode flags (the spec's values; `GPUBufferUsage` is not a global everywhere). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;
export const MAP_READ_MODE = 0x0001;

/** A GPUBuffer-like value (what `step` accepts as a device gradient). */
export function isGpuBuffer(value: unknown): value is GpuBuffer {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    typeof (value as GpuBuffer).mapAsync === 'function' &&
    typeof (value as GpuBuffer).size === 'number'
  );
}
