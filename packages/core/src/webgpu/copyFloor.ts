import { BufferUsage, type GpuBuffer, type GpuDevice } from './gpuTypes.js';
import { PER_THREAD, TILE, WORKGROUP } from './wgslShader.js';

/**
 * A WGSL kernel that only moves memory: per element it reads `reads` float32 arrays and writes
 * `writes`, over tensors of the given sizes, one dispatch per tensor in one pass and one submit,
 * with the update kernel's access pattern (a thread takes every WORKGROUP-th element of a TILE).
 * Its time is the floor an optimizer step moving the same bytes per parameter can reach on the
 * same adapter (the benchmark's baseline).
 */
export interface CopyFloor {
  readonly bytesPerParam: number;
  /** Encodes and submits one pass over every tensor (no wait). */
  run(): void;
  dispose(): void;
}

export function createCopyFloor(device: GpuDevice, sizes: readonly number[], reads: number, writes: number): CopyFloor {
  if (!(reads >= writes && writes >= 1 && reads + writes <= 8)) {
    throw new RangeError(
      `createCopyFloor: reads (${reads}) ≥ writes (${writes}) ≥ 1 and reads + writes ≤ 8 storage bindings`,
    );
  }
  const decl = [
    'struct Size { n: u32, groupsX: u32 }',
    '@group(0) @binding(0) var<uniform> N: Size;',
    ...Array.from({ length: reads }, (_, k) => `@group(0) @binding(${1 + k}) var<storage, read> in${k}: array<f32>;`),
    ...Array.from(
      { length: writes },
      (_, k) => `@group(0) @binding(${1 + reads + k}) var<storage, read_write> out${k}: array<f32>;`,
    ),
  ];
  // every value read reaches an output, so no load can be dropped
  const body = Array.from({ length: writes }, (_, k) => {
    const extra =
      k === writes - 1 ? Array.from({ length: reads - writes }, (_, e) => ` + in${writes + e}[j]`).join('') : '';
    return `out${k}[j] = in${k}[j]${extra};`;
  });
  const code = `${decl.join('\n')}
@compute @workgroup_size(${WORKGROUP})
fn copy(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = (wid.x + wid.y * N.groupsX) * ${TILE}u;
  for (var i = 0u; i < ${PER_THREAD}u; i++) {
    let j = start + i * ${WORKGROUP}u + lid;
    if (j < N.n) { ${body.join(' ')} }
  }
}`;
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'copy' },
  });
  const layout = (pipeline as { getBindGroupLayout(i: number): unknown }).getBindGroupLayout(0);
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension ?? 65535;
  const buffers: GpuBuffer[] = [];
  const jobs = sizes.map((n) => {
    const groups = Math.ceil(n / TILE);
    const x = Math.max(1, Math.min(groups, maxGroups));
    const size = device.createBuffer({ size: 16, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    device.queue.writeBuffer(size, 0, new Uint32Array([n, x, 0, 0]));
    const arrays = Array.from({ length: reads + writes }, () =>
      device.createBuffer({ size: Math.max(4, n * 4), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST }),
    );
    buffers.push(size, ...arrays);
    const group = device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: size } },
        ...arrays.map((b, k) => ({ binding: 1 + k, resource: { buffer: b } })),
      ],
    });
    return { group, x, y: Math.ceil(groups / x) };
  });
  return {
    bytesPerParam: 4 * (reads + writes),
    run() {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      for (const j of jobs) {
        pass.setBindGroup(0, j.group);
        pass.dispatchWorkgroups(j.x, j.y);
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
    },
    dispose() {
      buffers.forEach((b) => b.destroy());
    },
  };
}
