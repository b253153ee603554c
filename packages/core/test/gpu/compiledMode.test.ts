import { describe, expect, it } from 'vitest';
import { compiledMode } from '../../src/gpu/compiledMode.js';
import type { GpuJsKernel, GpuJsModule } from '../../src/gpu/loadGpuJs.js';

// the shape of gpu.js's kernel classes: the three GL ones share the mode 'gpu'
class GLKernel {
  static get mode() {
    return 'gpu';
  }
}
class WebGLKernel extends GLKernel {}
class WebGL2Kernel extends WebGLKernel {}
class HeadlessGLKernel extends WebGLKernel {}
class WebGPUKernel {
  static get mode() {
    return 'webgpu';
  }
}
const gpuJs = { HeadlessGLKernel, WebGL2Kernel, WebGLKernel } as unknown as GpuJsModule;
const runnerOf = (kernel: object | undefined) => Object.assign(() => 0, { kernel }) as unknown as GpuJsKernel;

describe('compiledMode', () => {
  it('tells the GL kernels apart by class, a subclass before the class it extends', () => {
    expect(compiledMode(runnerOf(new WebGL2Kernel()), gpuJs)).toBe('webgl2');
    expect(compiledMode(runnerOf(new HeadlessGLKernel()), gpuJs)).toBe('headlessgl');
    expect(compiledMode(runnerOf(new WebGLKernel()), gpuJs)).toBe('webgl');
  });

  it("passes other modes through, and says 'unknown' for a runner without a kernel", () => {
    expect(compiledMode(runnerOf(new WebGPUKernel()), gpuJs)).toBe('webgpu');
    expect(compiledMode(runnerOf(undefined), gpuJs)).toBe('unknown');
    expect(compiledMode(runnerOf(new GLKernel()), gpuJs)).toBe('gpu');
  });
});
