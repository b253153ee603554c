/**
 * The one place backends register for the suite: every property runs against each entry.
 * To add a backend: write an adapter (a `Backend`, see src/backend.ts; examples in ./backends/ and
 * src/backends/core.ts) and add one `load(...)` line here.
 *
 * Adapters are imported one by one, so a backend that fails to load (a missing optional dependency, a
 * broken build) fails its own test (test/registry.test.ts) instead of taking the whole suite down.
 */
import { coreBackend, type Backend } from '../src/index.js';

export interface LoadFailure {
  readonly name: string;
  readonly error: unknown;
}

export const loadFailures: LoadFailure[] = [];

async function load(
  name: string,
  importAdapter: () => Promise<Backend | readonly Backend[]>,
): Promise<readonly Backend[]> {
  try {
    const loaded = await importAdapter();
    return Array.isArray(loaded) ? loaded : [loaded as Backend];
  } catch (error) {
    loadFailures.push({ name, error });
    return [];
  }
}

export const backends: readonly Backend[] = [
  coreBackend,
  ...(await load('@gcopt/float32', async () => (await import('./backends/float32.js')).float32Backend)),
  ...(await load('@gcopt/tfjs', async () => (await import('./backends/tfjs.js')).tfjsBackends)),
  ...(await load('@gcopt/core/fast', async () => (await import('./backends/fast.js')).fastBackends)),
  ...(await load('@gcopt/core/gpu', async () => (await import('./backends/gpu.js')).gpuBackends)),
];
