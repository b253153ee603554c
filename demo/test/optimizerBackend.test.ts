import { describe, expect, it } from 'vitest';
import { loadDigits } from '@gcopt/mnist-data';
import { DEMO_OPTIMIZERS, initialWeights, loadBackend } from '../src/index.js';

// The ort and js backends step @gcopt/float32 optimizers: its default (the fast path) unless
// --float32-backend says otherwise, and each run says which it got.
describe.each(['js', 'ort'] as const)('the %s backend', (name) => {
  const data = loadDigits({ trainLimit: 64 });
  it.each([
    [undefined, /^@gcopt\/float32 backend fast \(@gcopt\/core\/fast, WebAssembly SIMD, 1 thread\)$/],
    ['core', /^@gcopt\/float32 backend core \(core\)$/],
    ['fast', /^@gcopt\/float32 backend fast \(/],
  ] as const)('float32Backend %s: the run reports what steps its optimizer', async (float32Backend, expected) => {
    const backend = await loadBackend(name);
    const run = await backend.startRun({
      initialWeights: initialWeights(1),
      optimizer: DEMO_OPTIMIZERS.find((o) => o.label === 'Adam_GC2')!,
      train: data.train,
      batchSize: 16,
      ...(float32Backend === undefined ? {} : { float32Backend }),
    });
    try {
      expect(run.optimizerBackend).toMatch(expected);
    } finally {
      await run.dispose();
      await backend.dispose();
    }
  });
});

it('the tfjs backend reports its step backend and kernels', async () => {
  const backend = await loadBackend('tfjs');
  const run = await backend.startRun({
    initialWeights: initialWeights(1),
    optimizer: DEMO_OPTIMIZERS.find((o) => o.label === 'Adam_GC2')!,
    train: loadDigits({ trainLimit: 64 }).train,
    batchSize: 16,
  });
  try {
    // tfjs's cpu backend: the host step backend, on the fast path's kernels (Adam_GC2 is fused)
    expect(run.optimizerBackend).toBe('@gcopt/tfjs host step backend on @gcopt/core/fast (WebAssembly SIMD, 1 thread)');
  } finally {
    await run.dispose();
    await backend.dispose();
  }
});
