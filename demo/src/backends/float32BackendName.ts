import type { BackendReport } from '@gcopt/float32';

/** What steps a @gcopt/float32 optimizer, in words for the demo's report (its `backend`, chosen once). */
export function describeFloat32Backend(backend: BackendReport): string {
  const what =
    backend.name === 'fast'
      ? 'fast (@gcopt/core/fast, WebAssembly SIMD, 1 thread)'
      : `${backend.name} (${backend.groups})`;
  return `@gcopt/float32 backend ${what}${backend.note ? `: ${backend.note}` : ''}`;
}
