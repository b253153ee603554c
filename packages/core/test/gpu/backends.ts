import { probeBackend, type GpuJsMode } from '../../src/gpu/index.js';

/** The gpu.js modes CI runs the kernels on: webgpu on a software adapter (Mesa lavapipe). */
export const TESTED_MODES: readonly GpuJsMode[] = ['cpu', 'webasm', 'webgpu'];

/**
 * Fails (instead of skipping) when a mode cannot run: CI provisions lavapipe for webgpu
 * (scripts/provision-lavapipe.sh, run by this package's `test` script). Only
 * GCOPT_ALLOW_NO_WEBGPU=1 turns a missing adapter into a skip, for machines that cannot have one.
 */
export async function requireMode(mode: GpuJsMode): Promise<boolean> {
  const probe = await probeBackend(mode);
  if (probe.available) return true;
  if (mode === 'webgpu' && process.env.GCOPT_ALLOW_NO_WEBGPU === '1') return false;
  throw new Error(
    `gpu.js mode ${mode} is not available here: ${probe.reason}. ` +
      (mode === 'webgpu'
        ? 'Run the tests through `pnpm test` (it provisions the lavapipe software adapter), ' +
          'or set GCOPT_ALLOW_NO_WEBGPU=1 to skip.'
        : ''),
  );
}
